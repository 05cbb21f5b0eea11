// The browser session both bench/run.mjs and bench/profile.mjs measure in: Debian's Chromium with
// a fresh profile, bench/harness.js injected into every page before its own code, and the
// sandbox's 1000 conversations as the in-page fixture for `?bench=fixtures` pages.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'e2e', 'package.json'));
const { chromium } = require('@playwright/test');

// `bulk`: the sandbox seeded with 1000 conversations; `token`: its token. Returns the browser
// context, the fixture (the 1000 conversations as the sandbox answered them) and the profile
// directory (to remove after `context.close()`).
export async function benchBrowser({ bulk, token }) {
  const r = await fetch(`${bulk}/api/conversations/unassigned`, { headers: { Authentication: token } });
  const body = await r.json();
  if (!Array.isArray(body.data) || body.data.length !== 1000) {
    throw new Error(`expected 1000 conversations from ${bulk}, got ${body.data && body.data.length}`);
  }
  const fixture = body.data;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  await context.addInitScript({ content: fs.readFileSync(path.join(here, 'harness.js'), 'utf8') });
  await context.addInitScript(
    ({ items }) => {
      if (location.search.includes('bench=fixtures')) {
        window.__bench.enabled = true;
        window.__bench.setBase(items);
      }
    },
    { items: fixture },
  );
  return { context, fixture, userDataDir };
}
