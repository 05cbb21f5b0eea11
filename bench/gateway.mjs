// `make bench`, gateway part (issue 17): blinger-gateway against the sandbox alone, in the same
// run on the same machine. Starts the sandbox (playing Blinger, demo seed, webhooks to the
// gateway) and the gateway, puts 1 000 messages into one conversation (client messages through
// the sandbox, which the gateway records from their webhooks), then measures:
//   - requests/s and p50/p99 latency of a list GET (the gateway answers identical GETs within
//     --coalesce-ms from one upstream request) and of a 1 000-message history GET, each against
//     the sandbox's own endpoint (the account token, no gateway) with the same client load;
//   - the upstream requests 50 simulated widgets cost Blinger through the gateway, polling the
//     three lists every second for 10 s, against what they would cost without it.
// (`--faults` only for its request counter: no fault is armed.)
// Usage: node bench/gateway.mjs SANDBOX_BIN GATEWAY_BIN   (scripts/bench.sh builds both with
// the `server` profile). Env: BENCH_GW_SECONDS (per load, default 5), BENCH_GW_CONCURRENCY (16).
// Writes bench/results-gateway.json and prints a markdown table.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
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
      const r = await fetch(url, { headers });
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
await start(gatewayBin, ['--addr', `127.0.0.1:${gwPort}`, '--upstream', sb, '--token-file', path.join(tmp, 'token'),
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
process.exit(0);
