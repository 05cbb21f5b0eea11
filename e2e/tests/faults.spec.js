// Under faults: the sandbox's fault injection (5xx, timeouts, truncated / HTML / empty bodies,
// 429 + Retry-After, answers lost after the send was applied) against 200+ sends; malformed
// list and get bodies; a hidden tab.
import { test, expect } from './fixtures.js';
import { InboxPage, POLL_MS } from '../pages/inbox.js';
import { ConversationPage } from '../pages/conversation.js';
import { ComposerPage } from '../pages/composer.js';
import { Sandbox, unique } from '../pages/sandbox.js';

let sb;
test.beforeAll(async () => {
  sb = await Sandbox.open();
  await sb.clearFaults();
});
test.afterEach(async () => {
  await sb.clearFaults();
});
test.afterAll(async () => {
  await sb.dispose();
});

/** No Rust panic, no wasm trap, no uncaught error. (Failed requests are expected here.) */
function expectNoPanic(problems) {
  expect(problems.pageErrors).toEqual([]);
  const fatal = problems.console.filter((m) => /panick|RuntimeError|unreachable|wasm-bindgen/i.test(m));
  expect(fatal).toEqual([]);
}

const SEND = '/api/conversations/send-message';
const NOTE = '/api/conversations/send-note';
/** One send's fate; `null` = passes through untouched. Applied in order to the path's requests. */
const SCRIPT = [
  null,
  { status: 503 },
  null,
  { status: 500, body: 'html' },
  { status: 502, body: 'truncated' },
  null,
  { status: 503, apply: true }, // stored, but the answer is lost: reconciled as sent
  { status: 200, body: 'truncated', apply: true }, // stored, answer unreadable: reconciled
  { status: 429, retry_after: 1 },
  null,
  { status: 400 }, // a definite refusal: failed
  { status: 504, body: 'empty' },
  { status: 200, body: 'html', apply: true },
  null,
  { status: 503, body: 'truncated' },
  null,
];
/** Timeouts: the answer comes after the client's 15 s limit (and nothing is stored). */
const TIMEOUT = { status: 503, delay_ms: 16_000 };

async function armScript(path, sends, { timeouts = 0 } = {}) {
  const plan = [];
  for (let i = 0; i < timeouts; i += 1) plan.push(TIMEOUT);
  while (plan.length < sends) plan.push(...SCRIPT);
  plan.length = sends;
  for (const f of plan) {
    // A fault with neither status nor body passes the request through (a zero delay).
    await sb.fault({ path, ...(f ?? { delay_ms: 0 }) });
  }
  return plan.filter(Boolean).length;
}

test('200+ sends under faults: each ends sent, failed or unconfirmed; Retry delivers each exactly once', async ({ page, problems }) => {
  test.setTimeout(300_000);
  const PER = 52;
  const convs = [];
  for (let i = 0; i < 4; i += 1) {
    convs.push({ ...(await sb.newConversation(unique(`Faulty ${i}`), `client ${i}`)), mode: i === 3 ? 'note' : 'reply', texts: [] });
  }
  const replies = PER * 3;
  const faulted = (await armScript(SEND, replies, { timeouts: 1 })) + (await armScript(NOTE, PER, { timeouts: 1 }));

  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  const composer = new ComposerPage(page);
  await inbox.goto();
  const run = unique('m');
  for (const [ci, c] of convs.entries()) {
    await inbox.open(c.id);
    await composer.mode(c.mode);
    for (let i = 0; i < PER; i += 1) c.texts.push(`${run} c${ci} #${i}`);
    // The first few typed for real, the rest driven from inside the page (fast).
    for (const text of c.texts.slice(0, 2)) {
      await composer.sendWithEnter(text);
      await expect(composer.input).toHaveValue('');
    }
    await composer.sendMany(c.texts.slice(2));
    await expect(composer.input).toHaveValue('');
    // Every send is visible at once, exactly once.
    await expect(conv.items.and(page.locator(`[data-kind="${c.mode === 'note' ? 'note' : 'message'}"]`))).toHaveCount(PER);
  }
  const total = convs.reduce((n, c) => n + c.texts.length, 0);
  expect(total).toBeGreaterThanOrEqual(200);

  /** Waits until nothing is sending any more; returns {text: [states]} for our items. */
  async function settled(c) {
    await inbox.open(c.id);
    const kind = c.mode === 'note' ? 'note' : 'message';
    const ours = conv.items.and(page.locator(`[data-kind="${kind}"]`));
    await expect(ours).toHaveCount(PER, { timeout: 30_000 });
    // An unknown outcome is checked again after 1, 3, 10 and 30 s before it is unconfirmed.
    await expect(ours.and(page.locator('[data-state="sending"]'))).toHaveCount(0, { timeout: 100_000 });
    const entries = await conv.entries();
    const byText = new Map();
    for (const e of entries.filter((x) => x.kind === kind)) byText.set(e.text, [...(byText.get(e.text) ?? []), e.state]);
    return byText;
  }

  // Every message ends sent, failed or unconfirmed, visibly; none lost, none shown twice; the
  // sandbox holds exactly the sent ones, once each.
  let notSent = 0;
  for (const c of convs) {
    const byText = await settled(c);
    expect([...byText.keys()].sort()).toEqual([...c.texts].sort());
    for (const [text, states] of byText) {
      expect(states, text).toHaveLength(1);
      expect(['sent', 'failed', 'unconfirmed']).toContain(states[0]);
    }
    const storedTexts = (await sb.messages(c.id)).filter((m) => m.kind !== 'client').map((m) => m.text);
    const sent = c.texts.filter((t) => byText.get(t)[0] === 'sent');
    expect(storedTexts.sort()).toEqual([...sent].sort());
    notSent += c.texts.length - sent.length;
    // Failed and unconfirmed items say so and offer Retry / Discard.
    const problemsShown = conv.items.filter({ has: page.getByTestId('timeline-retry') });
    await expect(problemsShown).toHaveCount(c.texts.length - sent.length);
  }
  expect(notSent).toBeGreaterThan(20);
  expect(notSent).toBeLessThanOrEqual(faulted);

  // The operator retries everything (the faults are over): each reaches the sandbox exactly once.
  await sb.clearFaults();
  for (const c of convs) {
    await inbox.open(c.id);
    const retry = page.getByTestId('timeline-retry');
    // Click one for real, then every other Retry button from inside the page.
    if ((await retry.count()) > 0) await retry.first().click();
    await expect
      .poll(async () => {
        await page.evaluate(() => document.querySelectorAll('[data-testid="timeline-retry"]').forEach((b) => b.click()));
        return retry.count();
      }, { timeout: 30_000 })
      .toBe(0);
    const kind = c.mode === 'note' ? 'note' : 'message';
    const ours = conv.items.and(page.locator(`[data-kind="${kind}"]`));
    await expect(ours.and(page.locator('[data-state="sent"]'))).toHaveCount(PER, { timeout: 30_000 });
    await expect
      .poll(async () => (await sb.messages(c.id)).filter((m) => m.kind !== 'client').map((m) => m.text).sort())
      .toEqual([...c.texts].sort());
  }
  expectNoPanic(problems);
});

test('malformed list and get bodies: a degraded, recovering UI and no panic', async ({ page, problems }) => {
  test.setTimeout(90_000);
  const c = await sb.newConversation(unique('Malformed'), 'are you there?');
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  await inbox.goto();
  await inbox.open(c.id);
  await inbox.disengage();
  const rowsBefore = await inbox.rows.count();

  // The list answers garbage of every kind, then recovers.
  const LIST = '/api/conversations/unassigned';
  for (const body of ['malformed', 'html', 'truncated', 'empty']) {
    await sb.fault({ path: LIST, body, status: body === 'malformed' ? 200 : 200 });
  }
  await inbox.refresh();
  await expect(page.getByTestId('banner-error')).toBeVisible({ timeout: 10_000 });
  // Stale, not lost: the rows stay while the list is failing.
  expect(await inbox.rows.count()).toBe(rowsBefore);
  await expect(page.getByTestId('banner-error')).toHaveCount(0, { timeout: 45_000 });
  expect((await sb.armedFaults()).length).toBe(0);
  await expect.poll(() => inbox.count('unassigned')).toBe((await sb.list('unassigned')).length);

  // get answers garbage for the open conversation: the view says so and recovers.
  for (const body of ['malformed', 'html', 'truncated']) {
    await sb.fault({ path: '/api/conversations/get', body, status: 200 });
  }
  await sb.customerMessage({ conversation_id: c.id, text: 'still waiting' });
  await expect(conv.view.getByTestId('banner-error')).toBeVisible({ timeout: POLL_MS + 5_000 });
  await expect(conv.view.getByTestId('banner-error')).toHaveCount(0, { timeout: 45_000 });
  await expect(conv.itemsWith('still waiting')).toHaveCount(1, { timeout: POLL_MS + 5_000 });

  // A list with unreadable and unknown elements: the readable rows show, the rest is counted.
  await page.route('**/proxy/api/conversations/unassigned', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.data.unshift({ id: 'x' }, { id: 987_654, status: 'snoozed', application: 'carrier-pigeon', from_user_name: 'Unknown kinds', brand_new_field: [1, 2] });
    await route.fulfill({ response, json: body });
  });
  await inbox.refresh();
  await expect(page.locator('.bi-notice')).toContainText('1', { timeout: POLL_MS + 5_000 });
  await expect(inbox.row(987_654)).toContainText('Unknown kinds');
  await expect(inbox.row(987_654).locator('.bi-chip')).toHaveText('carrier-pigeon');
  expectNoPanic(problems);
});

test('a hidden tab polls slowly (not never) and refreshes at once when visible again', async ({ page, problems }) => {
  test.setTimeout(90_000);
  await page.clock.install();
  const inbox = new InboxPage(page);
  await inbox.goto();
  const LIST = '/api/conversations/unassigned';
  const count = async () => (await sb.requests())[LIST] ?? 0;
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  /** Lets the page's clock run `ms` further; due timers fire, requests go out for real. */
  const advance = async (ms) => {
    await page.clock.fastForward(ms);
  };

  // Visible: one poll per interval.
  await expect.poll(count).toBeGreaterThan(0);
  let n = await count();
  for (let i = 0; i < 3; i += 1) {
    await advance(POLL_MS + 500);
    await expect.poll(count).toBe(n + 1);
    n += 1;
  }

  // Hidden: 30 s of the page's time bring no poll...
  await setHidden(true);
  const hiddenFrom = await count();
  for (let i = 0; i < 6; i += 1) await advance(POLL_MS);
  // ...but a minute does (slower, not stopped).
  await advance(35_000);
  await expect.poll(count).toBe(hiddenFrom + 1);
  expect(await count()).toBe(hiddenFrom + 1);

  // Visible again: a poll at once.
  const before = await count();
  await setHidden(false);
  await advance(300);
  await expect.poll(count, { timeout: 3_000 }).toBeGreaterThan(before);
  expectNoPanic(problems);
});
