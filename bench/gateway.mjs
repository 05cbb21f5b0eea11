// `make bench`, gateway part (issue 17): blinger-gateway against the sandbox alone, in the same
// run on the same machine. Starts the sandbox (playing Blinger, demo seed, webhooks to the
// gateway) and the gateway, puts 1 000 messages into one conversation (client messages through
// the sandbox, which the gateway records from their webhooks), then measures:
//   - requests/s and p50/p99 latency of a list GET (the gateway answers identical GETs within
//     --coalesce-ms from one upstream request) and of a 1 000-message history GET, each against
//     the sandbox's own endpoint (the account token, no gateway) with the same client load;
//   - the upstream requests 50 simulated widgets cost Blinger through the gateway, polling the
//     three lists every second for 10 s, against what they would cost without it;
//   - fan-out of the push channel (issue 18): BENCH_GW_STREAMS (1 000) event streams open on the
//     gateway at once, its resident memory before and after (memory per stream), then one client
//     message written into the sandbox: the time until every stream has its `changed` event
//     (the whole path: sandbox → webhook → gateway's worker → every stream).
// (`--faults` only for its request counter: no fault is armed.)
// Usage: node bench/gateway.mjs SANDBOX_BIN GATEWAY_BIN   (scripts/bench.sh builds both with
// the `server` profile). Env: BENCH_GW_SECONDS (per load, default 5), BENCH_GW_CONCURRENCY (16).
// Writes bench/results-gateway.json and prints a markdown table.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { blingerJwt } from '../deploy/mint-jwt.mjs';
import { freePort } from '../e2e/pages/stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const [sandboxBin, gatewayBin] = process.argv.slice(2);
if (!sandboxBin || !gatewayBin) throw new Error('usage: node bench/gateway.mjs SANDBOX_BIN GATEWAY_BIN');
const SECONDS = Number(process.env.BENCH_GW_SECONDS || 5);
const CONCURRENCY = Number(process.env.BENCH_GW_CONCURRENCY || 16);
const TOKEN = `bench-account-${randomBytes(12).toString('hex')}`;
const SECRET = randomBytes(48).toString('base64');
const HOOK = randomBytes(12).toString('hex');


const children = [];
function start(bin, args, env = {}) {
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${bin} did not start:\n${out}`)), 20_000);
    const take = (chunk) => {
      out += String(chunk);
      if (/listening on/.test(out)) { clearTimeout(timer); resolve(child); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', (c) => { out += String(c); });
    child.on('exit', (code) => reject(new Error(`${bin} exited (${code}):\n${out}`)));
  });
}
process.on('exit', () => { for (const c of children) c.kill('SIGTERM'); });

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** CONCURRENCY clients each sending GETs back to back for SECONDS. */
async function load(url, headers) {
  const latencies = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      // identity: both sides send the same bytes, and the clients (on the same two cores) do
      // not spend the servers' CPU on gunzip. What gzip saves is measured apart (below).
      const r = await fetch(url, { headers: { ...headers, 'accept-encoding': 'identity' } });
      await r.arrayBuffer();
      if (!r.ok) errors += 1;
      latencies.push(performance.now() - t);
    }
  }));
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / SECONDS),
    p50_ms: Number(quantile(latencies, 0.5).toFixed(2)),
    p99_ms: Number(quantile(latencies, 0.99).toFixed(2)),
    errors,
  };
}

const [sbPort, gwPort] = [await freePort(), await freePort()];
const sb = `http://127.0.0.1:${sbPort}`;
const gw = `http://127.0.0.1:${gwPort}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-bench-gw-'));
fs.writeFileSync(path.join(tmp, 'token'), TOKEN, { mode: 0o600 });
fs.writeFileSync(path.join(tmp, 'jwt'), SECRET, { mode: 0o600 });
const gateway = await start(gatewayBin, ['--addr', `127.0.0.1:${gwPort}`, '--upstream', sb, '--token-file', path.join(tmp, 'token'),
  '--jwt-secret-file', path.join(tmp, 'jwt'), '--db', `sqlite://${path.join(tmp, 'gateway.sqlite')}`],
{ BLINGER_GATEWAY_WEBHOOK_SECRET: HOOK });
await start(sandboxBin, ['--addr', `127.0.0.1:${sbPort}`, '--db', ':memory:', '--seed', 'demo', '--token', TOKEN, '--faults',
  '--webhook-url', `${gw}/hooks/blinger/${HOOK}`]);

const account = { Authentication: TOKEN };
const jwt = (operator) => ({ Authentication: blingerJwt(operator, SECRET, { ttlSeconds: 3600 }) });
const post = async (url, body) => {
  const r = await fetch(url, { method: 'POST', headers: { ...account, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
  return json.data;
};

// One conversation with 1 000 client messages, recorded by the gateway from their webhooks.
const first = await post(`${sb}/sandbox/customer-message`, { text: 'message 1', from_user_name: 'Bench client' });
const id = first.conversation_id ?? first.id ?? first.conversation?.id;
if (!id) throw new Error(`no conversation id in ${JSON.stringify(first)}`);
for (let i = 2; i <= 1000; i += 1) {
  await post(`${sb}/sandbox/customer-message`, { conversation_id: id, text: `message ${i}` });
}
const historyPath = (base) => (base === sb ? `${sb}/sandbox/conversations/${id}/messages` : `${gw}/gateway/conversations/${id}/messages`);
for (let waited = 0; ; waited += 200) {
  const r = await fetch(historyPath(gw), { headers: jwt(1) });
  const n = r.ok ? (await r.json()).data.length : 0;
  if (n >= 1000) break;
  if (waited > 60_000) throw new Error(`the gateway recorded ${n} of 1000 messages in 60 s`);
  await new Promise((r2) => setTimeout(r2, 200));
}

const results = { date: new Date().toISOString(), seconds: SECONDS, concurrency: CONCURRENCY, history_messages: 1000 };
results.list = {
  sandbox: await load(`${sb}/api/conversations/unassigned`, account),
  gateway: await load(`${gw}/api/conversations/unassigned`, jwt(2)),
};
results.history = {
  sandbox: await load(historyPath(sb), account),
  gateway: await load(historyPath(gw), jwt(2)),
};

// What gzip saves a browser (the gateway compresses an upstream answer once for all its callers).
/** Bytes of the body as sent (node:http does not decompress). */
const wire = (url, headers, encoding) => new Promise((resolve, reject) => {
  http.get(url, { headers: { ...headers, 'accept-encoding': encoding } }, (res) => {
    let n = 0;
    res.on('data', (c) => { n += c.length; });
    res.on('end', () => resolve(n));
  }).on('error', reject);
});
results.gzip = {
  list_identity_bytes: await wire(`${gw}/api/conversations/unassigned`, jwt(2), 'identity'),
  list_gzip_bytes: await wire(`${gw}/api/conversations/unassigned`, jwt(2), 'gzip'),
  history_identity_bytes: await wire(historyPath(gw), jwt(2), 'identity'),
  history_gzip_bytes: await wire(historyPath(gw), jwt(2), 'gzip'),
};

// 50 widgets (operators 1–4 in turn), each polling the three lists every second for 10 s.
const LISTS = ['unassigned', 'unread', 'not-answered'];
await fetch(`${sb}/sandbox/requests`, { method: 'DELETE', headers: account });
let browserRequests = 0;
const pollEnd = performance.now() + 10_000;
await Promise.all(Array.from({ length: 50 }, async (_, i) => {
  const headers = jwt((i % 4) + 1);
  await new Promise((r) => setTimeout(r, Math.random() * 1000));
  while (performance.now() < pollEnd) {
    await Promise.all(LISTS.map(async (l) => { const r = await fetch(`${gw}/api/conversations/${l}`, { headers }); await r.arrayBuffer(); }));
    browserRequests += LISTS.length;
    await new Promise((r) => setTimeout(r, 1000));
  }
}));
const counts = (await (await fetch(`${sb}/sandbox/requests`, { headers: account })).json()).data;
const upstream = LISTS.reduce((n, l) => n + (counts[`/api/conversations/${l}`] || 0), 0);
results.coalescing = { widgets: 50, seconds: 10, browser_requests: browserRequests, upstream_requests: upstream };

// 200 open widgets, one client message every 2 s: what Blinger answers without the gateway
// (each widget polls the three lists every 5 s, the default) against through it with events
// (each widget holds an event stream, polls the lists every 60 s as a safety net and again on
// every `changed` event, as the widget does; the gateway coalesces the identical GETs).
const WIDGETS = Number(process.env.BENCH_GW_WIDGETS || 200);
const RATE_SECONDS = Number(process.env.BENCH_GW_RATE_SECONDS || 30);
async function upstreamRate(withGateway) {
  await fetch(`${sb}/sandbox/requests`, { method: 'DELETE', headers: account });
  const end = performance.now() + RATE_SECONDS * 1000;
  let browser = 0;
  const pollLists = async (base, headers) => {
    await Promise.all(LISTS.map(async (l) => { const r = await fetch(`${base}/api/conversations/${l}`, { headers }); await r.arrayBuffer(); }));
    browser += LISTS.length;
  };
  const streams = [];
  const widget = async (i) => {
    const headers = withGateway ? jwt((i % 4) + 1) : account;
    const base = withGateway ? gw : sb;
    const interval = withGateway ? 60_000 : 5_000;
    if (withGateway) {
      let busy = false;
      let again = false;
      const refresh = async () => {
        if (busy) { again = true; return; }
        busy = true;
        do { again = false; await pollLists(base, headers); } while (again && performance.now() < end);
        busy = false;
      };
      streams.push(await openStream(headers.Authentication, (block) => { if (block.includes('event: changed')) refresh(); }));
    }
    await new Promise((r) => setTimeout(r, Math.random() * interval));
    while (performance.now() < end) {
      await pollLists(base, headers);
      await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, end - performance.now()))));
    }
  };
  const writer = (async () => {
    while (performance.now() < end) {
      await post(`${sb}/sandbox/customer-message`, { conversation_id: id, text: `rate ${Date.now()}` });
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  await Promise.all([...Array.from({ length: WIDGETS }, (_, i) => widget(i)), writer]);
  for (const s of streams) s.destroy();
  const counts = (await (await fetch(`${sb}/sandbox/requests`, { headers: account })).json()).data;
  const upstream = Object.entries(counts).filter(([k]) => k.startsWith('/api/')).reduce((n, [, v]) => n + v, 0);
  return { browser_requests: browser, upstream_requests: upstream, upstream_per_minute: Math.round((upstream * 60) / RATE_SECONDS) };
}

// Fan-out: STREAMS event streams at once, then one client message.
const STREAMS = Number(process.env.BENCH_GW_STREAMS || 1000);
const rss = () => 1024 * Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${gateway.pid}/status`, 'utf8'))[1]);
/** One stream (node:http, its own connection); resolves after its `ready` event. */
function openStream(token, onBlock) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${gw}/gateway/events`, { headers: { Authentication: token }, agent: false }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`/gateway/events: ${res.statusCode}`)); return; }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk) => {
        buf += chunk;
        for (let at = buf.indexOf('\n\n'); at >= 0; at = buf.indexOf('\n\n')) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (block.includes('event: ready')) resolve(req);
          else onBlock(block);
        }
      });
    });
    req.on('error', reject);
  });
}
await new Promise((r) => setTimeout(r, 1000));
const rssBefore = rss();
const tokens = [1, 2, 3, 4].map((op) => jwt(op).Authentication);
const received = new Array(STREAMS).fill(null);
let target = null;
const streams = [];
for (let i = 0; i < STREAMS; i += 50) {
  streams.push(...await Promise.all(Array.from({ length: Math.min(50, STREAMS - i) }, (_, k) =>
    openStream(tokens[(i + k) % 4], (block) => {
      if (target !== null && received[i + k] === null && block.includes('event: changed')
        && block.includes(`"conversation_id":${target}`)) received[i + k] = performance.now();
    }))));
}
await new Promise((r) => setTimeout(r, 1000));
const rssAfter = rss();
target = id;
const written = performance.now();
await post(`${sb}/sandbox/customer-message`, { conversation_id: id, text: 'one message for every stream' });
for (let waited = 0; received.some((t) => t === null); waited += 10) {
  if (waited > 10_000) throw new Error(`${received.filter((t) => t === null).length} of ${STREAMS} streams had no event in 10 s`);
  await new Promise((r) => setTimeout(r, 10));
}
const arrivals = received.map((t) => t - written).sort((a, b) => a - b);
results.fanout = {
  streams: STREAMS,
  rss_before_bytes: rssBefore,
  rss_after_bytes: rssAfter,
  bytes_per_stream: Math.round((rssAfter - rssBefore) / STREAMS),
  first_ms: Number(arrivals[0].toFixed(1)),
  p50_ms: Number(quantile(arrivals, 0.5).toFixed(1)),
  last_ms: Number(arrivals[arrivals.length - 1].toFixed(1)),
};
for (const s of streams) s.destroy();

results.widgets = { widgets: WIDGETS, seconds: RATE_SECONDS, without_gateway: await upstreamRate(false), gateway_events: await upstreamRate(true) };

fs.writeFileSync(path.join(here, 'results-gateway.json'), `${JSON.stringify(results, null, 2)}\n`);
const row = (name, r) => `| ${name} | ${r.sandbox.rps} req/s, p50 ${r.sandbox.p50_ms} ms, p99 ${r.sandbox.p99_ms} ms | `
  + `${r.gateway.rps} req/s, p50 ${r.gateway.p50_ms} ms, p99 ${r.gateway.p99_ms} ms | `
  + `${(r.gateway.rps / r.sandbox.rps).toFixed(2)}× req/s, ${(r.gateway.p99_ms / r.sandbox.p99_ms).toFixed(2)}× p99 |`
  + ` ${r.sandbox.errors + r.gateway.errors} |`;
console.log(`\nGateway (${CONCURRENCY} clients × ${SECONDS} s per row, keep-alive, on this machine)\n`);
console.log('| GET | sandbox alone (account token) | through blinger-gateway (JWT) | gateway / sandbox | errors |');
console.log('|---|---|---|---|---|');
console.log(row('list `/api/conversations/unassigned`', results.list));
console.log(row('history of 1 000 messages', results.history));
const c = results.coalescing;
console.log(`\n50 widgets polling 3 lists every 1 s for 10 s: ${c.browser_requests} requests without the gateway, `
  + `${c.upstream_requests} reached Blinger through it (${(100 * (1 - c.upstream_requests / c.browser_requests)).toFixed(1)}% saved).`);
const g = results.gzip;
console.log(`\ngzip to browsers that accept it: the demo's unassigned list ${g.list_identity_bytes} → ${g.list_gzip_bytes} bytes, `
  + `the history of 1 000 messages ${g.history_identity_bytes} → ${g.history_gzip_bytes} bytes.`);
const f = results.fanout;
console.log(`\nPush fan-out: ${f.streams} event streams open: gateway RSS ${(f.rss_before_bytes / 2 ** 20).toFixed(1)} → `
  + `${(f.rss_after_bytes / 2 ** 20).toFixed(1)} MiB (${(f.bytes_per_stream / 1024).toFixed(1)} KiB per stream); one client message `
  + `(sandbox → webhook → gateway → streams) reached the first stream in ${f.first_ms} ms, half in ${f.p50_ms} ms, all in ${f.last_ms} ms.`);
const w = results.widgets;
console.log(`\n${w.widgets} open widgets, a client message every 2 s, ${w.seconds} s: Blinger answered `
  + `${w.without_gateway.upstream_per_minute} requests/min without the gateway (polling every 5 s), `
  + `${w.gateway_events.upstream_per_minute}/min through it with events (${w.gateway_events.browser_requests} browser requests coalesced; `
  + `${(w.without_gateway.upstream_per_minute / Math.max(1, w.gateway_events.upstream_per_minute)).toFixed(0)}× fewer).`);
process.exit(0);
