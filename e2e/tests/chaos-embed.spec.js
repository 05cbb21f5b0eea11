// Chaos through the host page's hands: the <blinger-inbox> element of the built package (pkg/)
// on a page of its own, where the host changes options mid-send, answers `beforeSend` with a
// Promise, and gives a `tokenProvider` that never settles. Like chaos.spec.js, every scenario
// asserts on the sandbox's history: each text delivered exactly once, or still visible (for
// Retry, or kept in the composer) — and prints scenario → delivered / duplicated / visible.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures.js';
import { Sandbox, unique } from '../pages/sandbox.js';
import { ChaosLedger } from '../pages/chaos.js';
import { chaosAttributes, writeChaosHost } from '../pages/chaos-host.js';
import { ComposerPage } from '../pages/composer.js';
import { ConversationPage } from '../pages/conversation.js';
import { startSandbox } from '../pages/stack.js';

const TOKEN = 'chaos-embed-token';
const SEND = '/api/conversations/send-message';

let tmp;
let server;
let origin;
let sb;
let ledger;

test.beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-chaos-'));
  writeChaosHost(tmp);
  server = await startSandbox(['--db', ':memory:', '--seed', 'demo', '--faults', '--static', tmp, '--token', TOKEN]);
  origin = server.origin;
  sb = await Sandbox.open({ baseURL: origin, token: TOKEN });
  ledger = new ChaosLedger(sb, 'chaos (embedded element)');
});

test.afterEach(async () => {
  await sb?.clearFaults();
});

test.afterAll(async () => {
  ledger?.print();
  await sb?.dispose();
  server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * The host page with one element on conversation `id`, acting as the owner; `props` is the
 * source of an object expression: the element's properties (functions can't cross over).
 */
async function hostOn(page, id, props = `({ token: ${JSON.stringify(TOKEN)} })`) {
  await page.goto(`${origin}/`);
  // A string expression (evaluated by the devtools protocol, so the page's CSP allows it).
  const attrs = JSON.stringify(chaosAttributes(origin));
  await page.evaluate(`void window.place(${attrs}, ${props})`);
  await expect(page.locator(`[data-testid="inbox-row"][data-conversation-id="${id}"]`)).toBeVisible();
  await page.evaluate((id) => document.querySelector('blinger-inbox').select(id), id);
  const conv = new ConversationPage(page);
  await conv.expectOpen(id);
  return { conv, composer: new ComposerPage(page), el: page.locator('blinger-inbox') };
}

const events = (page, name) =>
  page.evaluate((name) => window.events.filter((e) => e.name === name).map((e) => e.detail), name);

test('theme, locale and send key changed mid-send', async ({ page, problems }) => {
  const c = await sb.newConversation(unique('Chaos options'));
  const { conv, composer, el } = await hostOn(page, c.id);
  // The first send is answered (and committed) 3 s late, the second waits behind it.
  await sb.fault({ path: SEND, delay_ms: 3_000 });
  const t1 = unique('sent while the theme changes');
  const t2 = unique('queued while the locale changes');
  await composer.send(t1);
  await composer.send(t2);
  await el.evaluate((e) => {
    e.setAttribute('theme', 'dark');
    e.setAttribute('locale', 'ru');
    e.setAttribute('send-key', 'ctrl-enter');
  });
  await expect(page.locator('.bi-root')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('.bi-root')).toHaveAttribute('lang', 'ru');
  await ledger.settle('theme/locale/send key changed mid-send', c.id, [t1, t2], [page]);
  await expect(conv.itemsWith(t1)).toHaveAttribute('data-state', 'sent');
  await expect(conv.itemsWith(t2)).toHaveAttribute('data-state', 'sent');
  // The new send key is in force: Enter is a new line now, Ctrl+Enter sends.
  const t3 = unique('after the change');
  await composer.input.fill(t3);
  await composer.input.press('Enter');
  await expect(composer.input).toHaveValue(`${t3}\n`);
  await composer.input.press('Control+Enter');
  await expect(composer.input).toHaveValue('');
  await expect(conv.itemsWith(t3)).toHaveAttribute('data-state', 'sent');
  expect(await ledger.delivered(c.id, [t1, t2, t3])).toEqual([1, 1, 1]);
  expect(problems.pageErrors).toEqual([]);
});

test('an async beforeSend that answers false, then true', async ({ page, problems }) => {
  const c = await sb.newConversation(unique('Chaos before-send'));
  const { conv, composer } = await hostOn(page, c.id, `({
    token: ${JSON.stringify(TOKEN)},
    beforeSend: (detail) => new Promise((r) => setTimeout(() => { window.asked = (window.asked || 0) + 1; r(window.answer); }, 400)),
  })`);
  await page.evaluate(() => { window.answer = false; });
  const refused = unique('the host says no');
  await composer.input.fill(refused);
  await composer.sendButton.click();
  await expect.poll(() => page.evaluate(() => window.asked || 0)).toBe(1);
  await page.waitForTimeout(500);
  await expect(composer.input).toHaveValue(refused);
  await expect(conv.itemsWith(refused)).toHaveCount(0);
  expect(await ledger.delivered(c.id, [refused])).toEqual([0]);
  ledger.record('async beforeSend → false (kept in composer)', { delivered: 0, duplicated: 0, visible: 1 }, 1);

  await page.evaluate(() => { window.answer = true; });
  const allowed = unique('the host says yes');
  await composer.input.fill(allowed);
  await composer.sendButton.click();
  // A second press while the host decides is no second send.
  await composer.sendButton.click().catch(() => {});
  await ledger.settle('async beforeSend → true', c.id, [allowed], [page]);
  await expect(conv.itemsWith(allowed)).toHaveAttribute('data-state', 'sent');
  expect(await ledger.delivered(c.id, [allowed])).toEqual([1]);
  expect(problems.pageErrors).toEqual([]);
});

test('a tokenProvider that never settles, mid-send', async ({ page }) => {
  test.setTimeout(120_000);
  const c = await sb.newConversation(unique('Chaos token'));
  // The provider answers until the host's session "expires"; from then on it never settles.
  const { conv, composer, el } = await hostOn(page, c.id, `({
    tokenProvider: () => window.hang ? new Promise(() => {}) : Promise.resolve(${JSON.stringify(TOKEN)}),
  })`);
  await page.evaluate(() => { window.hang = true; });
  // The token is refused from now on (the send never reaches the handler): the widget asks the
  // provider again, which hangs.
  await sb.fault({ path: SEND, status: 401 });
  const t = unique('sent as the token expires');
  await composer.send(t);
  await expect
    .poll(async () => (await events(page, 'error')).map((d) => d.message).join('\n'), { timeout: 30_000 })
    .toMatch(/tokenProvider did not answer within 15 s/);
  await expect(page.getByTestId('banner-auth')).toContainText('Signed out');
  expect(await ledger.delivered(c.id, [t])).toEqual([0]);
  // What was typed is still there for the operator while signed out.
  await expect(conv.itemsWith(t)).toHaveCount(1);
  // The host signs in again: the send goes once.
  await sb.clearFaults();
  await el.evaluate((e, token) => { e.tokenProvider = () => Promise.resolve(token); }, TOKEN);
  const retry = conv.itemsWith(t).getByTestId('timeline-retry');
  await expect
    .poll(async () => {
      const [n] = await ledger.delivered(c.id, [t]);
      if (n === 0 && await retry.isVisible()) await retry.click();
      return n;
    }, { timeout: 30_000 })
    .toBe(1);
  await ledger.settle('hanging tokenProvider mid-send', c.id, [t], [page]);
  await expect(conv.itemsWith(t)).toHaveAttribute('data-state', 'sent');
});
