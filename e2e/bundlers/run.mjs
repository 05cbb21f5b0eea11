// The bundler tier (issue 19): the packed `blinger-inbox` must work in every bundler a web
// developer uses, with no configuration beyond what the package README says.
//
//   1. `npm pack`s the built package (BI_PKG_DIR, default ../../pkg) and extracts the tarball into
//      ./node_modules/blinger-inbox: installed from the tarball, as a user gets it;
//   2. builds one tiny host app per consumer (./vite, ./webpack, ./esbuild, ./rollup, ./script: a
//      plain <script type="module"> with the package copied to the static files) into one site,
//      with the pinned bundlers of ./package-lock.json;
//   3. serves that site with blinger-sandbox (BI_SANDBOX_BIN, default
//      ../../target/release/blinger-sandbox; --seed demo --proxy, so `base-url="/proxy"` needs no
//      token; the sandbox's strict CSP applies);
//   4. opens each app in Debian's headless Chromium (Playwright from ../node_modules, or
//      BI_PLAYWRIGHT; CHROMIUM_PATH, default /usr/bin/chromium) and checks: `ready` fired, no
//      `error` event, no page error, console error, CSP violation or failed request, rows render in
//      the element's shadow root, and the .wasm was answered 200 as application/wasm;
//   5. type-checks ./ts/consumer.ts with `tsc --noEmit --strict` under moduleResolution bundler
//      and node16 (its @ts-expect-error lines fail the check if the types decay to `any`).
// Prints one PASS/FAIL line per check and `bundlers: N passed, M failed`; exits non-zero if any
// failed or fewer than 7 ran.
//
// Run:  cd e2e/bundlers && npm ci && node run.mjs      (needs pkg/ and the sandbox binary built;
//       BI_KEEP=1 keeps the temp dir with the tarball and the built site)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PKG_DIR = path.resolve(process.env.BI_PKG_DIR || path.join(here, '../../pkg'));
const SANDBOX_BIN = path.resolve(process.env.BI_SANDBOX_BIN || path.join(here, '../../target/release/blinger-sandbox'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const BIN = path.join(here, 'node_modules/.bin');
const INSTALLED = path.join(here, 'node_modules/blinger-inbox');
const WASM = 'blinger_inbox_bg.wasm';

const PAGES = ['vite', 'webpack', 'esbuild', 'rollup', 'script'];
const TYPES = [
  { name: 'ts-bundler', config: 'ts/tsconfig.bundler.json', what: 'moduleResolution bundler' },
  { name: 'ts-node16', config: 'ts/tsconfig.node16.json', what: 'moduleResolution node16' },
];
const EXPECTED = [...PAGES, ...TYPES.map((t) => t.name)];

const results = new Map(); // name -> { ok, text }
function report(name, ok, text) {
  results.set(name, { ok, text });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}  (${text})`);
}

// ---- cleanup: the sandbox never outlives this process, whatever happens -------------------------
let sandbox = null;
let browser = null;
let tmp = null;
function cleanup() {
  if (sandbox && sandbox.exitCode === null && sandbox.signalCode === null) sandbox.kill('SIGTERM');
  sandbox = null;
  if (tmp && !process.env.BI_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept ${tmp}`);
  tmp = null;
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => { cleanup(); process.exit(128 + os.constants.signals[signal]); });
}

/** Runs a command to completion; throws with its whole output if it fails. */
function run(cmd, args, cwd, what = `${path.basename(cmd)} ${args.join(' ')}`) {
  const r = spawnSync(cmd, args, {
    cwd, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (r.status !== 0) {
    const output = `${r.stdout || ''}${r.stderr || ''}`.trim();
    const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    throw new Error(`${what} failed (${why})${output ? `:\n${output}` : ''}`);
  }
  return r.stdout;
}

/** The telling line of a failed command's output (run() puts the command itself first). */
function reason(error) {
  const lines = error.message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
  const telling = [/not exported|not found|could not|cannot|unresolved|failed to|error TS\d+/i, /error/i];
  for (const re of telling) {
    const line = lines.find((l) => re.test(l) && !/^(✗ )?(error during build|build failed)/i.test(l));
    if (line) return line;
  }
  return lines[0] ?? error.message.split('\n')[0];
}

const tool = (name) => path.join(BIN, name);
const copy = (from, to) => fs.cpSync(path.join(here, from), to, { recursive: true });
/** esbuild and Rollup leave `new URL('./blinger_inbox_bg.wasm', import.meta.url)` alone: the .wasm goes beside the bundle (README). */
const copyWasm = (out) => fs.copyFileSync(path.join(INSTALLED, WASM), path.join(out, WASM));

// Each consumer: its CLI, run in its own directory, writing a servable app (index.html, …) to `out`.
const BUILDS = {
  vite: (out) => run(tool('vite'), ['build', '--base', './', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    path.join(here, 'vite')),
  webpack: (out) => {
    copy('webpack/index.html', path.join(out, 'index.html'));
    copy('webpack/style.css', path.join(out, 'style.css'));
    run(tool('webpack'), ['build', '--mode', 'production', '--entry', './main.js', '--output-path', out],
      path.join(here, 'webpack'));
  },
  esbuild: (out) => {
    copy('esbuild/index.html', path.join(out, 'index.html'));
    copy('esbuild/style.css', path.join(out, 'style.css'));
    run(tool('esbuild'), ['./main.js', '--bundle', '--format=esm', `--outdir=${out}`, '--log-level=warning'],
      path.join(here, 'esbuild'));
    copyWasm(out);
  },
  rollup: (out) => {
    copy('rollup/index.html', path.join(out, 'index.html'));
    copy('rollup/style.css', path.join(out, 'style.css'));
    run(tool('rollup'), ['./main.js', '--plugin', 'node-resolve', '--format', 'es', '--dir', out, '--failAfterWarnings'],
      path.join(here, 'rollup'));
    copyWasm(out);
  },
  script: (out) => {
    for (const f of ['index.html', 'style.css', 'main.js']) copy(`script/${f}`, path.join(out, f));
    fs.cpSync(INSTALLED, path.join(out, 'blinger-inbox'), { recursive: true });
  },
};

/** 1. npm pack + extract into node_modules/blinger-inbox. */
function installTarball() {
  for (const f of ['package.json', WASM]) {
    if (!fs.existsSync(path.join(PKG_DIR, f))) throw new Error(`no ${f} in ${PKG_DIR}: build the package first (make pkg)`);
  }
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], PKG_DIR, 'npm pack'));
  const tarball = path.join(tmp, packed[0].filename);
  fs.rmSync(INSTALLED, { recursive: true, force: true });
  fs.mkdirSync(INSTALLED, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', INSTALLED, '--strip-components=1'], here, 'tar -x');
  const manifest = JSON.parse(fs.readFileSync(path.join(INSTALLED, 'package.json'), 'utf8'));
  console.log(`installed ${path.basename(tarball)} (${packed[0].entryCount} files, ${(packed[0].size / 1024).toFixed(0)} KiB) ` +
    `into node_modules/${manifest.name}`);
}

/** 3. The sandbox on a free port (port 0: it prints the one it got). */
async function startSandbox(site) {
  if (!fs.existsSync(SANDBOX_BIN)) throw new Error(`no sandbox binary at ${SANDBOX_BIN}: cargo build --release -p blinger-sandbox`);
  const child = spawn(SANDBOX_BIN, ['--addr', '127.0.0.1:0', '--db', ':memory:', '--seed', 'demo', '--proxy', '--static', site],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  sandbox = child;
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start within 15 s:\n${log}`)), 15_000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.stderr.on('data', (chunk) => { log += chunk; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`the sandbox exited (${code ?? signal}):\n${log}`)); });
  });
}

/** Playwright from e2e/node_modules (this directory has its own node_modules), or BI_PLAYWRIGHT. */
function playwright() {
  const require = createRequire(path.join(here, '../package.json'));
  return require(process.env.BI_PLAYWRIGHT || '@playwright/test');
}

/** 4. One app in a fresh context: every problem it shows, or its numbers. */
async function checkPage(origin, name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const wasm = [];
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    const url = res.url();
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${url}`);
    if (new URL(url).pathname.endsWith('.wasm')) wasm.push({ url, status: res.status(), type: res.headers()['content-type'] });
  });
  try {
    await page.goto(`${origin}/${name}/`);
    const state = () => page.evaluate(() => ({
      ready: window.biReady ?? null,
      errors: window.biErrors ?? null,
      rows: document.getElementById('inbox')?.shadowRoot?.querySelectorAll('[data-testid="inbox-row"]').length ?? 0,
      csp: window.__csp ?? [],
    }));
    // Until `ready` and rows, or an `error` event; at most 20 s.
    await page.waitForFunction(() => (window.biErrors && window.biErrors.length > 0) || (window.biReady != null &&
      document.getElementById('inbox')?.shadowRoot?.querySelector('[data-testid="inbox-row"]')), null, { timeout: 20_000 })
      .catch(() => {});
    await page.waitForTimeout(300); // late console errors
    const s = await state();
    if (s.errors === null) problems.push('the host script did not run (no window.biErrors)');
    for (const e of s.errors ?? []) problems.push(`error event: ${e}`);
    if (s.ready == null) problems.push('no ready event within 20 s');
    if (s.rows < 1) problems.push('no [data-testid="inbox-row"] in the shadow root');
    for (const v of s.csp) problems.push(`CSP violation: ${v}`);
    if (wasm.length === 0) problems.push('no .wasm request');
    for (const w of wasm) {
      if (w.status !== 200 || !/^application\/wasm\b/.test(w.type || '')) {
        problems.push(`${w.url}: ${w.status} ${w.type || 'no content-type'} (want 200 application/wasm)`);
      }
    }
    return { problems, ready: s.ready, rows: s.rows };
  } catch (e) {
    problems.push(e.message.split('\n')[0]);
    return { problems };
  } finally {
    await context.close();
  }
}

async function main() {
  const started = Date.now();
  if (!fs.existsSync(tool('vite'))) throw new Error(`no bundlers in ${BIN}: run \`npm ci\` in ${here}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-bundlers-'));
  installTarball();

  // 2. builds, one after the other (each bundler may use every core).
  const site = path.join(tmp, 'site');
  const built = new Map(); // name -> build ms
  const broken = new Map(); // name -> why
  for (const name of PAGES) {
    const out = path.join(site, name);
    fs.mkdirSync(out, { recursive: true });
    const t0 = Date.now();
    try {
      BUILDS[name](out);
      if (!fs.existsSync(path.join(out, 'index.html'))) throw new Error(`no index.html in ${out}`);
      built.set(name, Date.now() - t0);
    } catch (e) {
      console.error(`--- ${name}: ${e.message}\n---`);
      broken.set(name, `build failed: ${reason(e)}`);
    }
  }

  // 3 + 4. serve and open.
  if (built.size > 0) {
    const origin = await startSandbox(site);
    const { chromium } = playwright();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    try {
      for (const name of PAGES) {
        if (broken.has(name)) { report(name, false, broken.get(name)); continue; }
        const r = await checkPage(origin, name);
        const build = `built in ${(built.get(name) / 1000).toFixed(1)} s`;
        if (r.problems.length === 0) report(name, true, `ready in ${Math.round(r.ready)} ms, ${r.rows} rows; ${build}`);
        else report(name, false, r.problems.join('; '));
      }
    } finally {
      await browser.close();
      browser = null;
    }
  } else {
    for (const name of PAGES) report(name, false, broken.get(name));
  }

  // 5. types.
  for (const { name, config, what } of TYPES) {
    const t0 = Date.now();
    try {
      run(tool('tsc'), ['-p', config, '--noEmit', '--strict'], here, `tsc -p ${config}`);
      report(name, true, `tsc --noEmit --strict, ${what}, ${Date.now() - t0} ms`);
    } catch (e) {
      console.error(`--- ${name}: ${e.message}\n---`);
      report(name, false, reason(e));
    }
  }
  return Date.now() - started;
}

let elapsed = null;
try {
  elapsed = await main();
} catch (e) {
  console.error(`bundlers: ${e.message}`);
  for (const name of EXPECTED) if (!results.has(name)) report(name, false, `not run: ${e.message.split('\n')[0]}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  cleanup();
}
const passed = [...results.values()].filter((r) => r.ok).length;
const failed = results.size - passed;
const missing = EXPECTED.filter((n) => !results.has(n));
if (missing.length) console.log(`not run: ${missing.join(', ')}`);
if (elapsed !== null) console.log(`(${(elapsed / 1000).toFixed(1)} s)`);
console.log(`bundlers: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || results.size < EXPECTED.length ? 1 : 0;
