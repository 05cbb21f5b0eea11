// Chrome tracing of scenario 1 (first render of 1000 rows), for finding where the time goes:
// per side, the time of each trace event kind (script, style, layout, paint, GC) between the list
// body and the frame showing 1000 rows, the long tasks in that window with the functions that
// took their time, and the functions with the most self time overall (CPU profile samples taken
// inside the trace, so on the same clock). Run by `scripts/bench.sh --profile`, which builds and
// serves like the benchmark. For Rust function names instead of wasm-function[N], measure a
// build that keeps them: BENCH_KEEP_NAMES=1 (no stripping, no wasm-opt; slower, bigger).
//   BENCH_PROFILE_RUNS=3     traced runs per side (after one warm-up)
//   BENCH_PROFILE_TOP=30     functions listed
//   BENCH_PROFILE_SIDES=yew,baseline
import fs from 'node:fs';
import { benchBrowser } from './browser.mjs';

const env = (k, d) => process.env[k] ?? d;
const BULK = env('BENCH_BULK_URL', 'http://127.0.0.1:8771');
const TOKEN = env('BENCH_TOKEN', 'bench-token');
const RUNS = Number(env('BENCH_PROFILE_RUNS', 3));
const TOP = Number(env('BENCH_PROFILE_TOP', 30));
const SIDES = env('BENCH_PROFILE_SIDES', 'yew,baseline').split(',');
const KINDS = ['FunctionCall', 'TimerFire', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint',
  'Layerize', 'Commit', 'MinorGC', 'MajorGC'];

const { context, userDataDir } = await benchBrowser({ bulk: BULK, token: TOKEN });
const page = context.pages()[0] ?? (await context.newPage());

// One traced first render: the trace events and the window [body, frame] on the trace clock.
async function traced(side) {
  const cdp = await context.newCDPSession(page);
  await page.goto('about:blank');
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,disabled-by-default-v8.cpu_profiler',
    transferMode: 'ReportEvents',
  });
  await page.goto(`${BULK}/${side === 'yew' ? '' : 'baseline/'}?bench=fixtures`);
  const [t0, t1, now] = await page.evaluate(async () => {
    const B = window.__bench;
    const frame = await B.frameWhen(
      () => (document.querySelector('[data-testid="inbox-list"]')?.childElementCount ?? 0) >= 1000,
    );
    const body = B.bodies.find((b) => b.path.endsWith('/unassigned'));
    performance.mark('bench-profile-sync');
    return [body.t0, frame, performance.now()];
  });
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  // performance.now() -> trace microseconds, through the mark set at a known `now`.
  const mark = events.find((e) => e.name === 'bench-profile-sync');
  const offset = mark.ts - now * 1000;
  return { events, pid: mark.pid, tid: mark.tid, lo: t0 * 1000 + offset, hi: t1 * 1000 + offset, ms: t1 - t0 };
}

// CPU profile samples inside the window: [timestamp, function name, self ms].
function samples({ events, pid, lo, hi }) {
  const nodes = new Map();
  const out = [];
  let ts = 0;
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile') ts = e.args.data.startTime;
    if (e.name !== 'ProfileChunk') continue;
    const { cpuProfile = {}, timeDeltas = [] } = e.args.data;
    for (const n of cpuProfile.nodes ?? []) nodes.set(n.id, n);
    const ids = cpuProfile.samples ?? [];
    for (let i = 0; i < ids.length; i++) {
      ts += timeDeltas[i];
      if (ts < lo || ts > hi) continue;
      const f = nodes.get(ids[i])?.callFrame;
      const name = f ? `${f.functionName || '(anonymous)'}${f.url ? ` [${f.url.split('/').pop().slice(0, 24)}]` : ''}` : '?';
      out.push([ts, name, (timeDeltas[i + 1] ?? 0) / 1000]);
    }
  }
  return out;
}

const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);

for (const side of SIDES) {
  await traced(side); // warm-up
  const kinds = new Map();
  const self = new Map();
  const totals = [];
  let tasks = '';
  for (let run = 0; run < RUNS; run++) {
    const t = await traced(side);
    totals.push(t.ms);
    const mine = t.events.filter((e) => e.ph === 'X' && e.pid === t.pid && e.tid === t.tid);
    for (const e of mine) {
      if (!KINDS.includes(e.name)) continue;
      const d = Math.min(e.ts + e.dur, t.hi) - Math.max(e.ts, t.lo);
      if (d > 0) add(kinds, e.name, d / 1000 / RUNS);
    }
    const s = samples(t);
    for (const [, name, ms] of s) add(self, name, ms / RUNS);
    if (run === 0) {
      // The long tasks of the first traced run, each with the functions that took its time.
      for (const e of mine.filter((x) => x.name === 'RunTask' && x.dur > 5000 && x.ts + x.dur > t.lo && x.ts < t.hi)) {
        const inTask = new Map();
        for (const [ts, name, ms] of s) if (ts >= e.ts && ts <= e.ts + e.dur) add(inTask, name, ms);
        const what = top(inTask, 5).map(([k, v]) => `${v.toFixed(1)} ${k}`).join(' | ');
        tasks += `    +${((e.ts - t.lo) / 1000).toFixed(0).padStart(4)} ms, ${(e.dur / 1000).toFixed(1).padStart(5)} ms: ${what}\n`;
      }
    }
  }
  console.log(`\n${side}: body -> frame ${totals.map((x) => x.toFixed(0)).join(' / ')} ms (traced: slower than untraced)`);
  console.log('  time by kind (ms, mean per run):');
  for (const [k, v] of top(kinds, KINDS.length)) console.log(`    ${k.padEnd(18)} ${v.toFixed(1).padStart(7)}`);
  console.log('  long tasks of the first traced run (start after the body, duration: top functions):');
  process.stdout.write(tasks);
  console.log(`  self time by function (ms, mean per run; "(program)" is the browser's own work: style, layout, paint, compilation):`);
  for (const [k, v] of top(self, TOP)) console.log(`    ${v.toFixed(1).padStart(7)}  ${k}`);
}
await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
