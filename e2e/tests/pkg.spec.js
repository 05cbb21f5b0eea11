// The npm package round trip: `npm pack` the built pkg/ (scripts/pkg.sh, run first by the test
// command), install the tarball offline into a throwaway host project in a temp dir, serve that
// project with the sandbox (its strict CSP: script-src 'self' 'wasm-unsafe-eval', style-src 'self',
// connect-src 'self'), and check in Chromium that <blinger-inbox> renders the sandbox's
// conversations, reacts to attributes and properties, and leaves nothing behind when removed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.js';
import { startSandbox } from '../pages/stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const pkgDir = path.join(repo, 'pkg');
// Any free port (the sandbox prints the one it got), so parallel runs never collide.
let ORIGIN;
const TOKEN = 'pkg-token';

let tmp;
let server;

const HOST_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>A host page</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="host.css">
</head>
<body>
  <h1>Host page</h1>
  <aside>
    <blinger-inbox id="proxied" base-url="/proxy" history-url="/sandbox/conversations/{id}/messages"
                   poll-interval="1000"></blinger-inbox>
  </aside>
  <script type="module" src="host.js"></script>
</body>
</html>
`;
// Hostile host CSS: nothing of it may show inside the widget.
const HOST_CSS = `html { font-size: 62.5%; } * { color: red !important; letter-spacing: 3px !important; }
aside blinger-inbox { display: block; height: 600px; }`;
const HOST_JS = `import { mount } from 'blinger-inbox-entry';
window.events = [];
for (const name of ['ready', 'conversation-selected', 'unread-changed', 'auth-required', 'error', 'before-send']) {
  document.addEventListener(name, (e) => window.events.push({ name, id: e.target.id, detail: e.detail }));
}
window.blingerMount = mount;
`;

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  if (!fs.existsSync(path.join(pkgDir, 'package.json'))) {
    throw new Error(`no package in ${pkgDir}: run \`make pkg\` (scripts/pkg.sh) first`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-pkg-'));
  const packed = run('npm', ['pack', '--pack-destination', tmp, '--silent'], pkgDir).trim().split('\n').pop();
  const host = path.join(tmp, 'host');
  fs.mkdirSync(host);
  fs.writeFileSync(path.join(host, 'package.json'), JSON.stringify({
    name: 'blinger-inbox-host', private: true, type: 'module',
    dependencies: { 'blinger-inbox': `file:../${packed}` },
  }, null, 2));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], host);
  // A plain static host (no bundler): resolve the package's own entry from its package.json.
  const manifest = JSON.parse(fs.readFileSync(path.join(host, 'node_modules/blinger-inbox/package.json'), 'utf8'));
  const entry = `./node_modules/blinger-inbox/${manifest.exports['.'].import.replace(/^\.\//, '')}`;
  fs.writeFileSync(path.join(host, 'index.html'), HOST_HTML);
  fs.writeFileSync(path.join(host, 'host.css'), HOST_CSS);
  fs.writeFileSync(path.join(host, 'host.js'), HOST_JS.replace('blinger-inbox-entry', entry));

  server = await startSandbox(['--db', ':memory:', '--seed', 'demo', '--faults', '--proxy', '--static', host,
    '--token', TOKEN]);
  ORIGIN = server.origin;
});

test.afterAll(async () => {
  server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const rowsIn = (page, id) => page.locator(`#${id}`).locator('[data-testid="inbox-row"]');

test('the packed package installs offline and its element renders the sandbox through the proxy', async ({ page, problems }) => {
  const installed = path.join(tmp, 'host/node_modules/blinger-inbox');
  const files = fs.readdirSync(installed).sort();
  expect(files).toEqual(['README.md', 'blinger_inbox.js', 'blinger_inbox_bg.wasm', 'index.d.ts', 'index.js', 'package.json']);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  expect(manifest).toMatchObject({ name: 'blinger-inbox', type: 'module', types: './index.d.ts' });
  expect(fs.readFileSync(path.join(installed, 'index.d.ts'), 'utf8')).toContain("'blinger-inbox': BlingerInboxElement");

  await page.goto(`${ORIGIN}/`);
  await expect(rowsIn(page, 'proxied').first()).toBeVisible();
  expect(await rowsIn(page, 'proxied').count()).toBeGreaterThan(5);
  // A seeded client name, as text.
  await expect(page.locator('#proxied').locator('.bi-row__name').first()).not.toBeEmpty();
  // Host CSS stays outside: the row text is not red and has no letter spacing.
  const look = await page.locator('#proxied').locator('.bi-row__name').first()
    .evaluate((el) => { const s = getComputedStyle(el); return [s.color, s.letterSpacing, s.fontSize]; });
  expect(look[0]).not.toBe('rgb(255, 0, 0)');
  expect(look[1]).toBe('normal');
  expect(look[2]).toBe('14px');
  const events = await page.evaluate(() => window.events.map((e) => e.name));
  expect(events).toContain('ready');
  expect(events).toContain('unread-changed');
  expect(problems.pageErrors).toEqual([]);
  expect(problems.console).toEqual([]);
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
  expect(await page.content()).not.toContain(TOKEN);
});

test('attributes, a token property after auth-required, and removal that leaves no requests', async ({ page, problems, request }) => {
  await page.goto(`${ORIGIN}/`);
  // A second element talking to the API directly (same origin), without a token at first.
  await page.evaluate((origin) => {
    const el = document.createElement('blinger-inbox');
    el.id = 'direct';
    el.setAttribute('base-url', origin);
    el.setAttribute('poll-interval', '1000');
    el.setAttribute('view', 'unassigned');
    document.body.append(el);
  }, ORIGIN);
  await expect.poll(() => page.evaluate(() => window.events.some((e) => e.name === 'auth-required' && e.id === 'direct'))).toBe(true);
  await expect(rowsIn(page, 'direct')).toHaveCount(0);
  await page.evaluate((t) => { document.getElementById('direct').token = t; }, TOKEN);
  await expect(rowsIn(page, 'direct').first()).toBeVisible();
  // The token is write-only and nowhere in the DOM.
  expect(await page.evaluate(() => document.getElementById('direct').token)).toBeUndefined();
  expect(await page.evaluate(() => document.getElementById('direct').outerHTML)).not.toContain(TOKEN);

  const direct = page.locator('#direct');
  await expect(direct.getByTestId('inbox-view-unassigned')).toHaveAttribute('aria-selected', 'true');
  await page.evaluate(() => {
    const el = document.getElementById('direct');
    el.setAttribute('theme', 'dark');
    el.setAttribute('locale', 'ru');
    el.setAttribute('view', 'unread');
  });
  await expect(direct.locator('.bi-root')).toHaveAttribute('data-theme', 'dark');
  await expect(direct.locator('.bi-root')).toHaveAttribute('lang', 'ru');
  await expect(direct.getByTestId('inbox-view-unread')).toHaveAttribute('aria-selected', 'true');
  await expect(direct.getByTestId('inbox-view-unassigned')).toContainText('Без оператора');
  // A bad value is an `error` event and changes nothing.
  await page.evaluate(() => document.getElementById('direct').setAttribute('theme', 'neon'));
  await expect.poll(() => page.evaluate(() => window.events.filter((e) => e.name === 'error' && e.id === 'direct').map((e) => e.detail.message).join())).toContain('theme');
  await expect(direct.locator('.bi-root')).toHaveAttribute('data-theme', 'dark');
  // Removing the attribute restores the default.
  await page.evaluate(() => document.getElementById('direct').removeAttribute('theme'));
  await expect(direct.locator('.bi-root')).toHaveAttribute('data-theme', 'auto');

  // The JS API through the element: select opens a conversation.
  const id = await rowsIn(page, 'direct').first().getAttribute('data-conversation-id');
  await page.evaluate((id) => document.getElementById('direct').select(Number(id)), id);
  await expect(direct.getByTestId('conversation-view')).toBeVisible();

  // Removing both elements stops everything.
  await page.evaluate(() => { for (const el of document.querySelectorAll('blinger-inbox')) el.remove(); });
  await page.waitForTimeout(300);
  await request.delete(`${ORIGIN}/sandbox/requests`);
  await page.waitForTimeout(2_500);
  const counts = (await (await request.get(`${ORIGIN}/sandbox/requests`)).json()).data;
  expect(counts).toEqual({});
  expect(problems.pageErrors).toEqual([]);
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
});

test('mount() from the package: a token provider, a clear error for a bad option, destroy', async ({ page, problems }) => {
  await page.goto(`${ORIGIN}/`);
  const result = await page.evaluate(async (origin) => {
    const el = document.createElement('div');
    el.id = 'mounted';
    document.body.append(el);
    window.asked = 0;
    const handle = await window.blingerMount(el, {
      baseUrl: origin,
      pollInterval: 1000,
      tokenProvider: async () => { window.asked += 1; return 'pkg-token'; },
      beforeSend: () => false,
    });
    let bad = '';
    try { await window.blingerMount(document.createElement('div'), { baseUrl: origin, theme: 'neon' }); } catch (e) { bad = e.message; }
    window.mountedHandle = handle;
    return { bad, mounted: handle.mounted };
  }, ORIGIN);
  expect(result.bad).toContain('theme');
  expect(result.mounted).toBe(true);
  await expect(rowsIn(page, 'mounted').first()).toBeVisible();
  expect(await page.evaluate(() => window.asked)).toBeGreaterThan(0);
  await page.evaluate(() => { window.mountedHandle.destroy(); });
  await expect(rowsIn(page, 'mounted')).toHaveCount(0);
  expect(await page.evaluate(() => window.mountedHandle.mounted)).toBe(false);
  expect(problems.pageErrors).toEqual([]);
});
