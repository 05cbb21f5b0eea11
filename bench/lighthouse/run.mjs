// Lighthouse (the pinned npm `lighthouse` 12.x of package.json, desktop preset, headless Debian
// Chromium) on the two pages a person opens (issue 19):
//   app   the standalone app (dist/ with www/app-config.sandbox.json as app-config.json), served by
//         target/release/blinger-sandbox --db :memory: --seed demo --proxy --static <copy>;
//   demo  the script-tag embed demo page, assembled as scripts/demo.sh does it (www/demo/ + pkg/
//         under blinger-inbox/, precompressed .br/.gz by scripts/compress.mjs), served by
//         blinger-gateway (--dev-login) in front of blinger-sandbox through scripts/gateway-stack.sh
//         with the debug binaries on free ports.
// Categories performance, accessibility and best-practices; each page LH_RUNS times (default 3),
// each run in a fresh Chromium profile; the table has the median of each figure. Before each
// page's series it waits (up to 5 minutes) for the 1-minute load average to fall below 1.5, as
// other builds share the machine's 2 cores. Builds nothing: needs dist/, pkg/ and the binaries.
// Prints a markdown table and every failing accessibility / best-practices audit, writes
// results.json and results.md beside this file, tells whether the targets are met (performance ≥ 90,
// accessibility 100; not an exit code) and exits 1 if a run failed. Stops every server it started,
// also on failure or Ctrl+C.
//   cd bench/lighthouse && npm ci && node run.mjs
//   env: CHROME_PATH (default /usr/bin/chromium), LH_RUNS (3), LH_ONLY (app or demo),
//        LH_REPORTS_DIR (keep each run's full Lighthouse JSON report there),
//        LH_SIMULATE (the demo sandbox's simulated-client interval, s; default 3600: no new
//        customer message in the middle of a measurement), LH_LOAD_MAX (1.5), LH_LOAD_WAIT_S (300)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import { freePort } from '../../e2e/pages/stack.js';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const env = (k, d) => process.env[k] || d;
const CHROME = env('CHROME_PATH', '/usr/bin/chromium');
const RUNS = Number(env('LH_RUNS', 3));
const ONLY = env('LH_ONLY', '');
const REPORTS = process.env.LH_REPORTS_DIR ? path.resolve(process.env.LH_REPORTS_DIR) : null;
const LOAD_MAX = Number(env('LH_LOAD_MAX', 1.5));
const LOAD_WAIT_S = Number(env('LH_LOAD_WAIT_S', 300));
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TARGETS = { performance: 90, accessibility: 100 };
const LH_VERSION = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/lighthouse/package.json'), 'utf8')).version;

const log = (...a) => console.log('[lighthouse]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? null : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

// --- servers: every child is spawned detached (its own process group) and killed as a group ---
const children = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-lighthouse-'));
let cleaned = false;
let liveChrome = null; // the Chromium of the run in progress (chrome-launcher kills it too, on its own exits)
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (liveChrome) { try { process.kill(liveChrome.pid, 'SIGKILL'); } catch { /* gone */ } }
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { try { child.kill('SIGTERM'); } catch { /* gone */ } }
  }
  try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* best effort */ }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { log(`${sig}: stopping the servers`); cleanup(); process.exit(130); });
}

/** Spawns `cmd`, resolves once its output matches `ready` (to the match), rejects if it exits first. */
function start(name, cmd, args, opts, ready, timeoutMs) {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const take = (chunk) => {
      output += String(chunk);
      const m = ready.exec(output);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`${name}: ${e.message}`)); });
    child.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`${name} exited (${code ?? sig}):\n${output}`)); });
  });
}

function need(file, hint) {
  if (!fs.existsSync(file)) throw new Error(`missing ${path.relative(repo, file)}: ${hint}`);
}

/** The standalone app as the sandbox serves it: a copy of dist/ with the sandbox's app-config. */
async function startApp() {
  const bin = path.join(repo, 'target/release/blinger-sandbox');
  need(bin, 'cargo build --release -p blinger-sandbox');
  need(path.join(repo, 'dist/index.html'), 'scripts/build-app.sh');
  const site = path.join(tmp, 'app-site');
  fs.cpSync(path.join(repo, 'dist'), site, { recursive: true });
  fs.copyFileSync(path.join(repo, 'www/app-config.sandbox.json'), path.join(site, 'app-config.json'));
  const port = await freePort();
  const m = await start('blinger-sandbox (app)', bin,
    ['--addr', `127.0.0.1:${port}`, '--db', ':memory:', '--seed', 'demo', '--proxy', '--static', site],
    { cwd: tmp }, /listening on (http:\/\/\S+)/, 15_000);
  return `${m[1].replace(/\/$/, '')}/`;
}

/** The embed demo page (scripts/demo.sh's target/demo-site/, assembled here) behind the gateway. */
async function startDemo() {
  const binDir = path.join(repo, 'target/debug');
  for (const b of ['blinger-gateway', 'blinger-sandbox']) need(path.join(binDir, b), `cargo build -p ${b}`);
  const site = path.join(tmp, 'demo-site');
  fs.mkdirSync(path.join(site, 'blinger-inbox'), { recursive: true });
  const files = [];
  for (const f of ['index.html', 'demo.css', 'demo.js']) {
    fs.copyFileSync(path.join(repo, 'www/demo', f), path.join(site, f));
    files.push(path.join(site, f));
  }
  for (const f of ['index.js', 'blinger_inbox.js', 'blinger_inbox_bg.wasm']) {
    need(path.join(repo, 'pkg', f), 'make pkg');
    fs.copyFileSync(path.join(repo, 'pkg', f), path.join(site, 'blinger-inbox', f));
    files.push(path.join(site, 'blinger-inbox', f));
  }
  execFileSync('node', [path.join(repo, 'scripts/compress.mjs'), '--write', '--label', "the demo page's files", ...files],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const [gw, sb] = [await freePort(), await freePort()];
  const m = await start('scripts/gateway-stack.sh (demo)', path.join(repo, 'scripts/gateway-stack.sh'), [site, 'lighthouse'], {
    cwd: repo,
    env: {
      ...process.env,
      BLINGER_BIN_DIR: binDir,
      BLINGER_GATEWAY_ADDR: `127.0.0.1:${gw}`,
      BLINGER_SANDBOX_ADDR: `127.0.0.1:${sb}`,
      BLINGER_STACK_STATE: path.join(tmp, 'stack-state'),
      BLINGER_SIMULATE: env('LH_SIMULATE', '3600'),
    },
  }, /Open (http:\/\/\S+?)\/? in a browser/, 60_000);
  return `${m[1]}/`;
}

async function waitForQuiet(what) {
  const until = Date.now() + LOAD_WAIT_S * 1000;
  let said = false;
  for (;;) {
    const load = os.loadavg()[0];
    if (load < LOAD_MAX) {
      if (said) log(`load average ${load.toFixed(2)}: measuring ${what}`);
      return { load, quiet: true };
    }
    if (Date.now() >= until) {
      log(`WARNING: load average still ${load.toFixed(2)} after ${LOAD_WAIT_S} s; measuring ${what} anyway`);
      return { load, quiet: false };
    }
    if (!said || Math.round((until - Date.now()) / 1000) % 30 < 5) {
      log(`waiting for a quiet machine before ${what}: load average ${load.toFixed(2)} ≥ ${LOAD_MAX} (up to ${Math.round((until - Date.now()) / 1000)} s more)`);
      said = true;
    }
    await sleep(5000);
  }
}

// --- one Lighthouse run ----------------------------------------------------------------------
/** The response headers of every request Chromium saw, by URL, from the run's DevTools log. */
function responseHeaders(artifacts) {
  const devtoolsLog = artifacts?.DevtoolsLog ?? artifacts?.devtoolsLogs?.defaultPass ?? [];
  const byUrl = new Map();
  for (const entry of devtoolsLog) {
    if (entry.method !== 'Network.responseReceived') continue;
    const { url, headers, protocol } = entry.params.response;
    const lower = Object.fromEntries(Object.entries(headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    byUrl.set(url, { headers: lower, protocol });
  }
  return byUrl;
}

/** The accessibility / best-practices audits that did not pass, with what they flag. */
function failingAudits(lhr) {
  const out = [];
  for (const cat of ['accessibility', 'best-practices']) {
    for (const ref of lhr.categories[cat]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || audit.score === null || audit.score >= 1) continue;
      if (['notApplicable', 'manual', 'informative'].includes(audit.scoreDisplayMode)) continue;
      const items = (audit.details?.items ?? []).map((item) => {
        const node = item.node ?? item.element ?? (item.subItems?.items?.[0]?.node);
        const row = {};
        if (node) {
          row.selector = node.selector;
          row.snippet = node.snippet;
          if (node.nodeLabel) row.label = node.nodeLabel;
          if (node.explanation) row.explanation = node.explanation;
        }
        for (const k of ['url', 'scriptUrl', 'source', 'description', 'value', 'issueType', 'deprecation', 'directive', 'severity']) {
          if (item[k] !== undefined) row[k] = typeof item[k] === 'object' ? JSON.stringify(item[k]) : item[k];
        }
        if (item.subItems?.items?.length) {
          row.subItems = item.subItems.items.map((s) => s.error ?? s.url ?? s.issueType ?? s.relatedNode?.selector ?? JSON.stringify(s));
        }
        return row;
      });
      out.push({ category: cat, id: ref.id, title: audit.title, score: audit.score, weight: ref.weight,
        displayValue: audit.displayValue, items });
    }
  }
  return out;
}

/** What moved (CLS), largest first, and the performance audits that flag something but weigh 0. */
function performanceNotes(lhr) {
  const shifts = (lhr.audits['layout-shifts']?.details?.items ?? [])
    .map((i) => ({ selector: i.node?.selector ?? i.node?.value, snippet: i.node?.snippet, score: i.score }))
    .sort((a, b) => b.score - a.score);
  const flags = [];
  for (const ref of lhr.categories.performance?.auditRefs ?? []) {
    const audit = lhr.audits[ref.id];
    if (!audit || ref.group === 'metrics' || audit.score === null || audit.score >= 0.9) continue;
    if (['notApplicable', 'manual', 'informative'].includes(audit.scoreDisplayMode)) continue;
    const urls = (audit.details?.items ?? []).map((i) => i.url).filter((u) => typeof u === 'string');
    flags.push({ id: ref.id, title: audit.title, score: audit.score, weight: ref.weight, displayValue: audit.displayValue, urls });
  }
  return { shifts, flags };
}

async function runOnce(page, url, index) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
  liveChrome = chrome;
  const started = Date.now();
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES },
      desktopConfig);
    if (!result) throw new Error('Lighthouse returned nothing');
    const { lhr, artifacts } = result;
    if (REPORTS) {
      fs.mkdirSync(REPORTS, { recursive: true });
      fs.writeFileSync(path.join(REPORTS, `${page}-${index + 1}.json`), result.report);
    }
    if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const score = (c) => (lhr.categories[c]?.score == null ? null : Math.round(lhr.categories[c].score * 100));
    const num = (a) => lhr.audits[a]?.numericValue ?? null;
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, score(c)]));
    const missing = CATEGORIES.filter((c) => scores[c] === null);
    if (missing.length) throw new Error(`no score for ${missing.join(', ')}: ${missing.map((c) => lhr.categories[c]?.auditRefs?.map((r) => lhr.audits[r.id]?.errorMessage).filter(Boolean)[0]).join('; ')}`);
    const headers = responseHeaders(artifacts);
    const requests = (lhr.audits['network-requests']?.details?.items ?? []).map((r) => ({
      url: r.url,
      status: r.statusCode,
      mimeType: r.mimeType,
      transferSize: r.transferSize,
      resourceSize: r.resourceSize,
      contentEncoding: headers.get(r.url)?.headers['content-encoding'] ?? null,
      protocol: r.protocol,
    }));
    return {
      run: index + 1,
      ok: true,
      seconds: (Date.now() - started) / 1000,
      load: os.loadavg()[0],
      finalUrl: lhr.finalDisplayedUrl,
      warnings: lhr.runWarnings,
      ...scores,
      lcp: num('largest-contentful-paint'),
      tbt: num('total-blocking-time'),
      cls: num('cumulative-layout-shift'),
      bytes: num('total-byte-weight'),
      fcp: num('first-contentful-paint'),
      speedIndex: num('speed-index'),
      failing: failingAudits(lhr),
      ...performanceNotes(lhr),
      requests,
    };
  } finally {
    await chrome.kill();
    liveChrome = null;
  }
}

// --- the whole thing -------------------------------------------------------------------------
const PAGES = [
  { key: 'app', name: 'standalone app', start: startApp },
  { key: 'demo', name: 'embed demo page', start: startDemo },
].filter((p) => !ONLY || ONLY.split(',').includes(p.key));

const fmt = (x, digits = 0) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));
const row = (page, m) => `| ${page} | ${fmt(m.performance)} | ${fmt(m.accessibility)} | ${fmt(m['best-practices'])} | ${fmt(m.lcp)} | ${fmt(m.tbt)} | ${fmt(m.cls, 3)} | ${fmt(m.bytes)} |`;

async function main() {
  const t0 = Date.now();
  need(CHROME, 'set CHROME_PATH (apt-get install chromium)');
  const chromium = execFileSync(CHROME, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  log(`Lighthouse ${LH_VERSION}, ${chromium}, desktop preset, ${RUNS} run(s) per page`);
  const results = [];
  let failed = false;
  for (const page of PAGES) {
    let url;
    try {
      url = await page.start();
    } catch (e) {
      log(`FAIL: ${page.name}: ${e.message}`);
      failed = true;
      results.push({ key: page.key, page: page.name, url: null, runs: [], error: e.message });
      continue;
    }
    log(`${page.name}: ${url}`);
    const quiet = await waitForQuiet(page.name);
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) {
      try {
        const r = await runOnce(page.key, url, i);
        runs.push(r);
        log(`${page.name} run ${i + 1}: perf ${r.performance}, a11y ${r.accessibility}, bp ${r['best-practices']}, LCP ${fmt(r.lcp)} ms, TBT ${fmt(r.tbt)} ms, CLS ${fmt(r.cls, 3)}, ${fmt(r.bytes)} B (${r.seconds.toFixed(1)} s, load ${r.load.toFixed(2)})`);
      } catch (e) {
        failed = true;
        runs.push({ run: i + 1, ok: false, error: e.message });
        log(`FAIL: ${page.name} run ${i + 1}: ${e.message}`);
      }
    }
    const ok = runs.filter((r) => r.ok);
    const med = Object.fromEntries(['performance', 'accessibility', 'best-practices', 'lcp', 'tbt', 'cls', 'bytes', 'fcp', 'speedIndex']
      .map((k) => [k, median(ok.map((r) => r[k]))]));
    // Failing audits over the runs: each with how many runs flagged it (the items of the last one).
    const failing = new Map();
    for (const r of ok) {
      for (const f of r.failing) {
        const seen = failing.get(f.id) ?? { ...f, runs: 0 };
        failing.set(f.id, { ...seen, items: f.items, runs: seen.runs + 1 });
      }
    }
    const wasm = ok.at(-1)?.requests.filter((q) => /\.wasm(\?|$)/.test(q.url)) ?? [];
    results.push({
      key: page.key,
      page: page.name,
      url,
      loadBefore: quiet.load,
      quietMachine: quiet.quiet,
      median: med,
      targets: {
        performance: med.performance !== null && med.performance >= TARGETS.performance,
        accessibility: med.accessibility !== null && med.accessibility >= TARGETS.accessibility,
      },
      failingAudits: [...failing.values()],
      wasm,
      runs: runs.map(({ requests, failing: f, ...rest }) => ({ ...rest, failingAuditIds: f?.map((x) => x.id), requests })),
    });
    // This page's servers are no longer needed; the next page measures on a quieter machine.
    for (const child of children.splice(0)) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    }
    await sleep(500);
  }
  const seconds = (Date.now() - t0) / 1000;

  const lines = [];
  lines.push(`Lighthouse ${LH_VERSION} (desktop preset), ${chromium}, headless; median of ${RUNS} run(s) per page; ${new Date().toISOString()}; ${seconds.toFixed(0)} s in all.`);
  lines.push('');
  lines.push('| page | performance | accessibility | best-practices | LCP ms | TBT ms | CLS | total byte weight (bytes) |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of results) lines.push(r.median ? row(r.page, r.median) : `| ${r.page} | failed: ${r.error} | | | | | | |`);
  lines.push('');
  for (const r of results) {
    if (!r.median) continue;
    const t = r.targets;
    lines.push(`- ${r.page}: performance ≥ ${TARGETS.performance} ${t.performance ? 'met' : 'NOT met'}, accessibility ${TARGETS.accessibility} ${t.accessibility ? 'met' : 'NOT met'}` +
      ` (load average ${r.loadBefore.toFixed(2)} before the runs${r.quietMachine ? '' : ', NOT a quiet machine'}).`);
    for (const w of r.wasm) {
      lines.push(`  - wasm ${new URL(w.url).pathname}: content-encoding ${w.contentEncoding ?? 'none'}, ${w.transferSize} B transferred, ${w.resourceSize} B decoded.`);
    }
    for (const x of r.runs.filter((q) => q.ok)) {
      const top = x.shifts[0];
      lines.push(`  - run ${x.run}: CLS ${fmt(x.cls, 3)}${top ? `, largest shift ${top.score.toFixed(3)} \`${top.selector}\`` : ''}`);
    }
    for (const f of r.runs.filter((q) => q.ok).at(-1)?.flags ?? []) {
      lines.push(`  - performance audit \`${f.id}\` flags (weight ${f.weight}): ${f.title}${f.displayValue ? ` — ${f.displayValue}` : ''}${f.urls.length ? ` (${f.urls.map((u) => new URL(u).pathname + new URL(u).search).join(', ')})` : ''}`);
    }
    for (const f of r.failingAudits) {
      lines.push(`  - failing ${f.category} audit \`${f.id}\` (${f.title}, weight ${f.weight})${f.displayValue ? `: ${f.displayValue}` : ''}; in ${f.runs} of ${r.runs.filter((x) => x.ok).length} runs`);
      for (const it of f.items) {
        const bits = [it.selector && `\`${it.selector}\``, it.snippet && `\`${it.snippet}\``, it.url, it.scriptUrl, it.source,
          it.description, it.explanation && it.explanation.replace(/\s+/g, ' '), it.subItems?.join('; ')].filter(Boolean);
        lines.push(`    - ${bits.join(' — ')}`);
      }
    }
  }
  const md = `${lines.join('\n')}\n`;
  console.log(`\n${md}`);
  fs.writeFileSync(path.join(here, 'results.md'), md);
  fs.writeFileSync(path.join(here, 'results.json'), `${JSON.stringify({
    date: new Date().toISOString(),
    lighthouse: LH_VERSION,
    chromium,
    preset: 'desktop',
    categories: CATEGORIES,
    chromeFlags: CHROME_FLAGS,
    runsPerPage: RUNS,
    seconds,
    targets: TARGETS,
    pages: results,
  }, null, 2)}\n`);
  log(`wrote ${path.relative(repo, path.join(here, 'results.md'))} and results.json (${seconds.toFixed(0)} s)`);
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  log(`FAIL: ${e.stack || e.message}`);
  code = 1;
} finally {
  cleanup();
}
process.exit(code);
