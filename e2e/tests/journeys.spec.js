// The operator's day, as users meet it: triage, answer, hand over, keyboard only, drafts.
// Every journey runs on the strict-CSP host page (script-src 'self' 'wasm-unsafe-eval', no
// unsafe-inline / unsafe-eval, Trusted Types required: pages/strict.js) and must raise zero
// `securitypolicyviolation` events. After the whole run, the token appears in no URL, storage,
// cookie, console line or DOM text. Every assertion waits on what the user sees (or on the
// sandbox's state); no fixed sleeps.
import { test, expect } from './fixtures.js';
import { SANDBOX_TOKEN } from '../playwright.config.js';
import { InboxPage, POLL_MS } from '../pages/inbox.js';
import { Sandbox, unique } from '../pages/sandbox.js';
import { useStrictCsp } from '../pages/strict.js';
import * as journeys from '../flows/journeys.js';

/** A 1×1 PNG: what the test file server answers for the image previews of sent file URLs. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let sb;
/** What each journey left where a token could leak. */
const seen = { urls: [], console: [], pages: [] };

test.beforeAll(async () => {
  sb = await Sandbox.open();
  await sb.clearFaults();
});
test.afterAll(async () => {
  await sb.dispose();
});

// `problems` here, so its recorders are installed before the journey opens the page.
test.beforeEach(async ({ page, problems }) => {
  expect(problems.csp).toEqual([]);
  await useStrictCsp(page);
  await page.route('https://files.example.test/**', (route) => route.fulfill({ contentType: 'image/png', body: PIXEL }));
  page.on('request', (r) => seen.urls.push(r.url()));
  page.on('console', (m) => seen.console.push(m.text()));
});

test.afterEach(async ({ page, problems }) => {
  if (page.url() === 'about:blank') return;
  const state = await page.evaluate(() => ({
    trustedTypes: typeof window.trustedTypes !== 'undefined',
    csp: window.__cspViolations ?? ['no recorder'],
    url: location.href,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookies: document.cookie,
    html: document.documentElement.outerHTML,
    text: document.body.innerText,
  }));
  seen.pages.push(state);
  expect(state.csp).toEqual([]);
  expect(state.trustedTypes).toBe(true);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.console).toEqual([]);
});

test('triage: views and counts match the sandbox; a client writing in appears within one poll', async ({ page }) => {
  await journeys.triage(page, sb);
});

test('answer: take, reply, note and file URL are stored exactly; the list updates', async ({ page }) => {
  await journeys.answer(page, sb);
});

test('hand over: assign operator and group, unassign and close with Undo, reopen by Take', async ({ page }) => {
  await journeys.handOver(page, sb);
});

test('keyboard only: triage, take, reply, note, file, assign, close without the mouse', async ({ page }) => {
  await journeys.keyboardOnly(page, sb);
});

test('drafts: typed text survives reload, switching conversations and modes', async ({ page }) => {
  await journeys.drafts(page, sb);
});

test('the list keeps still under the operator\'s focus: a new conversation waits behind "N updates"', async ({ page }) => {
  const inbox = new InboxPage(page);
  await inbox.goto();
  await inbox.rows.first().focus();
  const c = await sb.newConversation(unique('Held'));
  await expect(inbox.updatesBar).toBeVisible({ timeout: POLL_MS + 3_000 });
  await expect(inbox.row(c.id)).toHaveCount(0);
  await inbox.updatesBar.click();
  await expect(inbox.row(c.id)).toBeVisible();
  await expect(inbox.updatesBar).toHaveCount(0);
});

test('the policy is enforced: an inline script is refused and reported', async ({ page, problems }) => {
  const inbox = new InboxPage(page);
  await inbox.goto();
  const ran = await page.evaluate(() => {
    window.__inline = false;
    try {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.append(s);
    } catch {
      return 'refused by Trusted Types';
    }
    return window.__inline;
  });
  expect(ran).toBe('refused by Trusted Types');
  // The refusal was reported; then forgotten, so the after-each check sees a clean page.
  await expect.poll(() => page.evaluate(() => window.__cspViolations.length)).toBeGreaterThan(0);
  await page.evaluate(() => (window.__cspViolations = []));
  problems.console.length = 0;
});

test('after every journey, the token is in no URL, storage, cookie, console line or DOM text', async () => {
  // (A failed test restarts the worker, which forgets what earlier journeys saw: after a fully
  // green run this holds every journey.)
  expect(seen.pages.length).toBeGreaterThan(0);
  expect(seen.urls.length).toBeGreaterThan(20);
  expect(seen.urls.filter((u) => u.includes(SANDBOX_TOKEN))).toEqual([]);
  expect(seen.console.filter((l) => l.includes(SANDBOX_TOKEN))).toEqual([]);
  expect(seen.pages.filter((p) => JSON.stringify(p).includes(SANDBOX_TOKEN))).toEqual([]);
});
