// `make bench`, push part (issue 18): how long a client's message takes to appear in the widget,
// with the gateway's event stream (`events-url`) against polling at the default interval, side
// by side in one run. `make run`'s stack (e2e/pages/stack.js: the sandbox as Blinger sends
// webhooks to blinger-gateway, which serves the embed demo page), Debian's Chromium: the demo
// page opens one conversation; a client writes into it BENCH_PUSH_MESSAGES times (50) per side,
// each at a random moment; the time from the write (the sandbox's POST) to the text in the
// widget's timeline (a MutationObserver in the page; one machine, one clock). Events side: the
// demo page as it is (events-url, the poll interval at its default); polling side: the same
// element without events-url (the handle is replaced by a new session, polling every 5 s).
// Usage: node bench/push-latency.mjs   (BI_DIST_DIR: the built app, BI_BIN_DIR: the binaries;
// scripts/bench.sh sets both). Writes bench/results-push.json and prints a markdown table.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../e2e/pages/stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'e2e', 'package.json'));
const { chromium } = require('@playwright/test');
const MESSAGES = Number(process.env.BENCH_PUSH_MESSAGES || 50);

const stack = await startStack();
const account = { Authentication: stack.accountToken };
async function clientWrites(fields) {
  const r = await fetch(`${stack.sandbox}/sandbox/customer-message`, {
    method: 'POST',
    headers: { ...account, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`customer-message: ${r.status} ${JSON.stringify(json)}`);
  return json.data;
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-push-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const results = { date: new Date().toISOString(), messages: MESSAGES };
try {
  const page = await context.newPage();
  await page.goto(`${stack.gateway}/demo/`);
  const freshness = page.getByTestId('freshness');
  await freshness.waitFor();
  // The conversation the operator has open.
  const { id } = await clientWrites({ text: 'the conversation the bench watches', from_user_name: 'Bench Client' });
  const inbox = page.locator('blinger-inbox');
  await inbox.evaluate((el) => el.removeAttribute('poll-interval'));
  await page.locator(`[data-testid="inbox-row"][data-conversation-id="${id}"]`).waitFor({ timeout: 15_000 });
  await inbox.evaluate((el, i) => el.select(i), id);
  await page.locator(`[data-testid="conversation-view"][data-conversation-id="${id}"]`).waitFor();

  async function measure(side) {
    const took = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      const text = `${side} ${i} ${Date.now()}`;
      // The observer first, then the write: it reports when the text is in the timeline.
      const seen = page.evaluate((t) => new Promise((resolve) => {
        const root = document.querySelector('blinger-inbox').shadowRoot;
        const has = () => [...root.querySelectorAll('[data-testid=timeline-item]')].some((e) => e.textContent.includes(t));
        const obs = new MutationObserver(() => { if (has()) { obs.disconnect(); resolve(Date.now()); } });
        obs.observe(root, { childList: true, subtree: true, characterData: true });
        setTimeout(() => { obs.disconnect(); resolve(null); }, 20_000);
      }), text);
      await new Promise((r) => setTimeout(r, 50));
      const start = Date.now();
      await clientWrites({ conversation_id: String(id), text });
      const at = await seen;
      if (at === null) throw new Error(`${side}: message ${i} did not appear within 20 s`);
      took.push(at - start);
      // The next write at a random moment of the 5 s poll cycle (a pause right after the
      // last answer would time the write to the cycle and bias the polling side).
      await new Promise((r) => setTimeout(r, Math.random() * 5000));
    }
    const sorted = [...took].sort((a, b) => a - b);
    return { median_ms: quantile(sorted, 0.5), p95_ms: quantile(sorted, 0.95), max_ms: sorted.at(-1), samples: took };
  }

  await page.locator('[data-testid="freshness"][data-push="live"]').waitFor({ state: 'attached', timeout: 20_000 });
  results.events = await measure('events');
  await inbox.evaluate((el) => el.removeAttribute('events-url'));
  await page.locator('[data-testid="freshness"][data-push="off"]').waitFor({ state: 'attached', timeout: 20_000 });
  await inbox.evaluate((el, i) => el.select(i), id);
  await page.locator(`[data-testid="conversation-view"][data-conversation-id="${id}"]`).waitFor();
  results.polling = await measure('polling');
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  await stack.stop();
}

fs.writeFileSync(path.join(here, 'results-push.json'), `${JSON.stringify(results, null, 2)}\n`);
const row = (name, r) => `| ${name} | ${r.median_ms} ms | ${r.p95_ms} ms | ${r.max_ms} ms |`;
console.log(`\nA client's message → in the widget's open conversation (${MESSAGES} messages per side, Chromium)\n`);
console.log('| delivery | median | p95 | max |');
console.log('|---|---|---|---|');
console.log(row('events (`events-url`)', results.events));
console.log(row('polling every 5 s (default)', results.polling));
console.log(`\nevents / polling, median: ${(results.events.median_ms / results.polling.median_ms).toFixed(3)}×`);
process.exit(0);
