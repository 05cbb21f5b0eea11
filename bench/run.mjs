// The side-by-side benchmark: the Yew app (production build) and the plain-JS baseline
// (bench/baseline/) in one Chromium session, runs alternating A/B, warm-up runs discarded.
// Called by scripts/bench.sh, which builds the app, starts two sandboxes and passes their URLs.
// Writes bench/results.json and bench/RESULTS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { benchBrowser } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const env = (k, d) => process.env[k] ?? d;
const BULK = env('BENCH_BULK_URL', 'http://127.0.0.1:8771'); // 1000 conversations
const DEMO = env('BENCH_DEMO_URL', 'http://127.0.0.1:8772'); // the demo seed
const TOKEN = env('BENCH_TOKEN', 'bench-token');
const DIST = env('BENCH_DIST', '/work/bench-dist');
const RUNS = Number(env('BENCH_RUNS', 10));
const WARMUP = Number(env('BENCH_WARMUP', 2));
const ONLY = env('BENCH_ONLY', ''); // comma-separated scenario keys, for quick iterations
const want = (k) => !ONLY || ONLY.split(',').includes(k);

const log = (...a) => console.log('[bench]', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
};

// ---- sizes ----------------------------------------------------------------------------------
function sizes() {
  const files = fs.readdirSync(DIST).filter((f) => /\.(wasm|js)$/.test(f));
  const out = {};
  for (const f of files) {
    const buf = fs.readFileSync(path.join(DIST, f));
    const kind = f.endsWith('.wasm') ? 'wasm' : f.startsWith('boot-') ? 'loader' : f.startsWith('baseline') ? 'baseline' : 'glue';
    out[kind] = { file: f, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
  }
  const base = fs.readFileSync(path.join(DIST, 'baseline', 'baseline.js'));
  out.baseline = { file: 'baseline/baseline.js', raw: base.length, gzip: zlib.gzipSync(base, { level: 9 }).length };
  return out;
}

// ---- browser --------------------------------------------------------------------------------
const { context, userDataDir } = await benchBrowser({ bulk: BULK, token: TOKEN });
const browserVersion = context.browser()?.version() ?? (await (async () => {
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  const v = await cdp.send('Browser.getVersion');
  await p.close();
  return v.product;
})());

const SIDES = {
  yew: (base) => `${base}/`,
  baseline: (base) => `${base}/baseline/`,
};
const order = (i) => (i % 2 === 0 ? ['yew', 'baseline'] : ['baseline', 'yew']);
const results = {};
const record = (key, side, value) => {
  ((results[key] ??= { yew: [], baseline: [] })[side]).push(value);
};

async function loadFixtures(page, side) {
  await page.goto(`${SIDES[side](BULK)}?bench=fixtures`);
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="inbox-list"]')?.childElementCount ?? 0) >= 1000,
    null,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(300);
}

// (1) First render of 1000 rows: first list body handed to the page -> the frame showing them all.
async function firstRender(page, side) {
  await page.goto(`${SIDES[side](BULK)}?bench=fixtures`);
  return page.evaluate(async () => {
    const B = window.__bench;
    const t1 = await B.frameWhen(
      () => (document.querySelector('[data-testid="inbox-list"]')?.childElementCount ?? 0) >= 1000,
    );
    const first = B.bodies.find((b) => b.path.endsWith('/unassigned'));
    return t1 - first.t0;
  });
}

// Waits (in the page) for the list bodies answered after `from`; returns them.
const waitBodies = `async (from, n) => {
  const B = window.__bench;
  const lists = () => B.bodies.slice(from).filter((b) => /unassigned|unread|not-answered/.test(b.path));
  const t = performance.now();
  while (!(lists().length >= n && lists().every((b) => b.t1 != null))) {
    if (performance.now() - t > 10000) throw new Error('no poll');
    await new Promise((r) => setTimeout(r, 5));
  }
  return lists();
}`;

// (2) A poll that changes nothing: mutations in the list and the busy time of its three bodies.
async function unchangedPoll(page) {
  return page.evaluate(async (waitSrc) => {
    const B = window.__bench;
    const wait = eval(waitSrc); // eslint-disable-line no-eval
    const list = document.querySelector('[data-testid="inbox-list"]');
    const from = B.bodies.length;
    const obs = B.observe(list);
    document.querySelector('[data-testid="inbox-refresh"]').click();
    await wait(from, 3);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { mutations: obs.stop(), busy: B.busySince(from) };
  }, waitBodies);
}

// (3) 10 of 1000 changed: the body with the change -> the frame showing all 10 updated on top.
async function changedPoll(page, k) {
  return page.evaluate(
    async ({ waitSrc, k }) => {
      const B = window.__bench;
      const wait = eval(waitSrc); // eslint-disable-line no-eval
      const from = B.bodies.length;
      B.mutate(k);
      const mark = `Update ${k}.`;
      const list = document.querySelector('[data-testid="inbox-list"]');
      document.querySelector('[data-testid="inbox-refresh"]').click();
      // Watched from the click on (the rows can only change once the body is there): the
      // first frame showing them, whichever of the three bodies came first.
      const t1 = await B.frameWhen(() => {
        const kids = list.children;
        for (let i = 0; i < 10; i++) {
          const p = kids[i] && kids[i].querySelector('.bi-row__preview');
          if (!p || !p.textContent.includes(mark)) return false;
        }
        return true;
      });
      const bodies = await wait(from, 3);
      const body = bodies.find((b) => b.path.endsWith('/unassigned'));
      return { frame: t1 - body.t0, script: body.t1 - body.t0 };
    },
    { waitSrc: waitBodies, k },
  );
}

// (4) Opening a conversation with 500 history messages: click -> the frame showing all 500.
async function openConversation(page, k) {
  return page.evaluate(async (k) => {
    const B = window.__bench;
    for (const el of document.querySelectorAll('[data-testid="timeline-item"]')) el.__old = true;
    const rows = document.querySelectorAll('[data-testid="inbox-row"]');
    const row = rows[(k * 53 + 20) % rows.length];
    const t0 = performance.now();
    row.click();
    const t1 = await B.frameWhen(() => {
      const items = document.querySelectorAll('[data-testid="timeline-item"]');
      return items.length === 500 && !items[0].__old && !items[499].__old;
    });
    return t1 - t0;
  }, k);
}

// (5) Typing 200 characters: per-key latency (keydown -> the task after the next frame).
const TEXT = 'The quick brown fox jumps over the lazy dog, twice. '.repeat(5).slice(0, 200);
async function typing(page) {
  const input = page.locator('[data-testid="composer-input"]');
  await input.fill('');
  await input.focus();
  await page.waitForTimeout(100);
  await page.evaluate(() => (window.__bench.keys = []));
  await page.keyboard.type(TEXT);
  await page.waitForTimeout(150);
  const keys = await page.evaluate(() => window.__bench.keys);
  return { median: median(keys), p95: quantile(keys, 0.95), n: keys.length };
}

async function heap(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const wasm = await page.evaluate(() => window.__bench.wasm?.memory?.buffer.byteLength ?? null);
  return { js: usedSize, wasm };
}

const page = context.pages()[0] ?? (await context.newPage());
const started = new Date();
const load0 = os.loadavg();

if (want('first')) {
  log('scenario 1: first render of 1000 rows');
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const side of order(i)) {
      const v = await firstRender(page, side);
      if (i >= WARMUP) record('first', side, v);
    }
  }
}

const pages = {};
if (want('unchanged') || want('changed') || want('open') || want('typing') || want('memory')) {
  for (const side of ['yew', 'baseline']) {
    pages[side] = side === 'yew' ? page : await context.newPage();
    await loadFixtures(pages[side], side);
  }
}

if (want('unchanged')) {
  log('scenario 2: a poll that changes nothing');
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const side of order(i)) {
      await pages[side].bringToFront();
      const v = await unchangedPoll(pages[side]);
      if (i >= WARMUP) {
        record('unchanged', side, v.busy);
        record('unchanged_mutations', side, v.mutations);
      }
    }
  }
}

if (want('changed')) {
  log('scenario 3: a poll where 10 of 1000 changed');
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const side of order(i)) {
      await pages[side].bringToFront();
      const v = await changedPoll(pages[side], i + 1);
      if (i >= WARMUP) {
        record('changed', side, v.frame);
        record('changed_script', side, v.script);
      }
    }
  }
}

if (want('open') || want('typing')) {
  log('scenario 4: opening a conversation with 500 messages');
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const side of order(i)) {
      await pages[side].bringToFront();
      const v = await openConversation(pages[side], i);
      if (i >= WARMUP) record('open', side, v);
    }
  }
}

if (want('typing')) {
  log('scenario 5: typing 200 characters');
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const side of order(i)) {
      await pages[side].bringToFront();
      const v = await typing(pages[side]);
      if (i >= WARMUP) {
        record('typing', side, v.median);
        record('typing_p95', side, v.p95);
      }
    }
  }
}

const memory = {};
if (want('memory')) {
  log('memory: 50 polls of 1000 conversations (10 changed each)');
  for (const side of ['yew', 'baseline']) {
    const p = pages[side];
    await p.bringToFront();
    memory[side] = { before: await heap(p) };
    for (let k = 1; k <= 50; k++) {
      await changedPoll(p, 1000 + k);
      if (k === 10) memory[side].after10 = await heap(p);
    }
    memory[side].after50 = await heap(p);
  }
}

const nav = {};
if (want('nav')) {
  log('navigation -> interactive inbox against the sandbox (demo seed and 1000 conversations)');
  for (const [label, base] of [['demo', DEMO], ['bulk', BULK]]) {
    const key = `nav_${label}`;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const side of order(i)) {
        await page.bringToFront();
        await page.goto(SIDES[side](base));
        const t = await page.waitForFunction(() => window.__bench.interactive, null, { timeout: 30_000 });
        const v = await t.jsonValue();
        if (i >= WARMUP) record(key, side, v);
      }
    }
    nav[label] = true;
  }
}

await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
const load1 = os.loadavg();

// ---- report -----------------------------------------------------------------------------------
const sz = sizes();
const summary = {};
for (const [k, v] of Object.entries(results)) {
  summary[k] = {};
  for (const side of ['yew', 'baseline']) {
    const xs = v[side];
    summary[k][side] = { median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), n: xs.length, runs: xs };
  }
  summary[k].ratio = summary[k].yew.median / summary[k].baseline.median;
}
const meta = {
  date: started.toISOString(),
  chromium: browserVersion,
  cpu: `${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}`,
  memory_gb: +(os.totalmem() / 2 ** 30).toFixed(1),
  os: `${os.type()} ${os.release()}`,
  loadavg_start: load0.map((x) => +x.toFixed(2)),
  loadavg_end: load1.map((x) => +x.toFixed(2)),
  runs: RUNS,
  warmup: WARMUP,
};
fs.writeFileSync(path.join(here, 'results.json'), JSON.stringify({ meta, sizes: sz, summary, memory }, null, 2));

const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)} ms` : 'n/a');
const spread = (s) => `${ms(s.median)} (${s.p25.toFixed(1)}–${s.p75.toFixed(1)})`;
const rows = [
  ['1. first render, 1000 rows (list body → frame)', 'first', '≤ 1.5×'],
  ['2. poll, nothing changed (busy time)', 'unchanged', '0 mutations, ≤ 2 ms'],
  ['3. poll, 10 of 1000 changed (body → frame)', 'changed', '≤ 1.5×'],
  ['3b. … of which script (body → end of task)', 'changed_script', ''],
  ['4. open a conversation, 500 messages (click → frame)', 'open', '≤ 1.5×'],
  ['5. typing 200 chars: median key → frame', 'typing', '≤ 1.5×'],
  ['5b. … p95 key → frame', 'typing_p95', ''],
  ['navigation → interactive, demo seed (48)', 'nav_demo', '≤ 500 ms'],
  ['navigation → interactive, 1000 conversations', 'nav_bulk', '≤ 500 ms'],
];
let md = '| scenario | Yew median (p25–p75) | baseline median (p25–p75) | Yew / baseline | target |\n|---|---|---|---|---|\n';
for (const [label, key, target] of rows) {
  const s = summary[key];
  if (!s) continue;
  md += `| ${label} | ${spread(s.yew)} | ${spread(s.baseline)} | ${s.ratio.toFixed(2)}× | ${target} |\n`;
}
if (summary.unchanged_mutations) {
  const m = summary.unchanged_mutations;
  md += `| 2. … DOM mutations in the list (max over runs) | ${Math.max(...m.yew.runs)} | ${Math.max(...m.baseline.runs)} | | 0 |\n`;
}
const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
let sizeMd = '| file | raw | gzip -9 |\n|---|---|---|\n';
for (const k of ['wasm', 'glue', 'loader', 'baseline']) {
  if (sz[k]) sizeMd += `| ${k}: \`${sz[k].file.replace(/-[0-9a-f]{16}/, '-…')}\` | ${sz[k].raw} B (${kb(sz[k].raw)}) | ${sz[k].gzip} B (${kb(sz[k].gzip)}) |\n`;
}
const total = ['wasm', 'glue', 'loader'].reduce((a, k) => a + (sz[k]?.gzip ?? 0), 0);
sizeMd += `| **wasm + JS glue + loader** | | **${total} B (${kb(total)})** (target ≤ 150 KiB) |\n`;
let memMd = '';
if (memory.yew) {
  const mb = (b) => (b == null ? 'n/a' : `${(b / 2 ** 20).toFixed(2)} MiB`);
  memMd = '| | before | after 10 polls | after 50 polls |\n|---|---|---|---|\n';
  memMd += `| Yew: wasm linear memory | ${mb(memory.yew.before.wasm)} | ${mb(memory.yew.after10.wasm)} | ${mb(memory.yew.after50.wasm)} |\n`;
  for (const side of ['yew', 'baseline']) {
    memMd += `| ${side}: JS heap after GC | ${mb(memory[side].before.js)} | ${mb(memory[side].after10.js)} | ${mb(memory[side].after50.js)} |\n`;
  }
}
fs.writeFileSync(path.join(here, 'results-table.md'), `${md}\n${sizeMd}\n${memMd}`);
log(`\n${md}\n${sizeMd}\n${memMd}`);
log(`meta ${JSON.stringify(meta)}`);
