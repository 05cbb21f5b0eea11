// Chaos: what an operator types is never lost and never sent twice, across tabs, reloads, a
// closed owner tab, a full localStorage and a client writing the same words. Every scenario
// asserts on the sandbox's history (the server's truth): each text delivered exactly once, or
// still visible for Retry — and prints scenario → delivered / duplicated / visible at the end.
import { test, expect } from './fixtures.js';
import { InboxPage } from '../pages/inbox.js';
import { ConversationPage } from '../pages/conversation.js';
import { ComposerPage } from '../pages/composer.js';
import { Sandbox, unique } from '../pages/sandbox.js';
import { ChaosLedger } from '../pages/chaos.js';

const SEND = '/api/conversations/send-message';
let sb;
let ledger;

test.beforeAll(async () => {
  sb = await Sandbox.open();
  ledger = new ChaosLedger(sb);
});
test.afterEach(async () => {
  await sb.clearFaults();
});
test.afterAll(async () => {
  await sb.dispose();
  ledger.print();
});

/** Opens the app in `page` on conversation `id`. */
async function openOn(page, id) {
  const inbox = new InboxPage(page);
  await inbox.goto();
  await inbox.open(id);
  return { inbox, conv: new ConversationPage(page), composer: new ComposerPage(page) };
}

const settle = (...args) => ledger.settle(...args);
const delivered = (...args) => ledger.delivered(...args);

test('two tabs on one conversation, a reload mid-send', async ({ page }) => {
  const c = await sb.newConversation(unique('Chaos two tabs'));
  const a = await openOn(page, c.id);
  const pageB = await page.context().newPage();
  const b = await openOn(pageB, c.id);
  // The first send is stored at once but answered 3 s later; the second waits behind it.
  await sb.fault({ path: SEND, status: 200, delay_ms: 3_000, apply: true });
  const t1 = unique('from A');
  const t2 = unique('from B');
  await a.composer.send(t1);
  await b.composer.send(t2);
  await page.reload();
  await settle('two tabs, reload mid-send', c.id, [t1, t2], [page, pageB]);
  await expect(b.conv.itemsWith(t1)).toHaveAttribute('data-state', 'sent');
  await expect(b.conv.itemsWith(t2)).toHaveAttribute('data-state', 'sent');
  await pageB.close();
});

test('reload mid-send with a send that commits late', async ({ page }) => {
  const c = await sb.newConversation(unique('Chaos reload'));
  const a = await openOn(page, c.id);
  await sb.fault({ path: SEND, status: 200, delay_ms: 4_000, apply: true });
  const t = unique('late commit');
  await a.composer.send(t);
  await page.waitForTimeout(300);
  await page.reload();
  const again = await openOn(page, c.id);
  await settle('reload mid-send, late commit', c.id, [t], [page]);
  await expect(again.conv.itemsWith(t)).toHaveAttribute('data-state', 'sent');
});

test('the owner tab closed mid-send: the other takes over', async ({ page }) => {
  const c = await sb.newConversation(unique('Chaos owner closed'));
  const a = await openOn(page, c.id);
  const pageB = await page.context().newPage();
  const b = await openOn(pageB, c.id);
  await sb.fault({ path: SEND, status: 200, delay_ms: 3_000, apply: true });
  const t1 = unique('owner sends');
  const t2 = unique('queued behind');
  await a.composer.send(t1);
  await a.composer.send(t2);
  await page.close();
  await settle('owner tab closed mid-send', c.id, [t1, t2], [pageB]);
  await expect(b.conv.itemsWith(t1)).toHaveAttribute('data-state', 'sent');
  await expect(b.conv.itemsWith(t2)).toHaveAttribute('data-state', 'sent');
});

test('a client writes the same words while our send fails', async ({ page }) => {
  test.setTimeout(120_000);
  const c = await sb.newConversation(unique('Chaos same words'));
  const a = await openOn(page, c.id);
  const words = unique('ok');
  // Our POST never reaches the handler; the client writes the same words meanwhile.
  await sb.fault({ path: SEND, status: 503, delay_ms: 1_000 });
  await a.composer.send(words);
  await sb.customerMessage({ conversation_id: c.id, text: words });
  // Checked after 0, 1, 3, 10 and 30 s: never shown as sent, then unconfirmed with Retry.
  // Watched until it is unconfirmed: our item must never show as sent on the way (the client's
  // words are kind "client" and do not count).
  const mine = a.conv.items.filter({ hasText: words }).and(page.locator('[data-kind="message"]'));
  const deadline = Date.now() + 60_000;
  let seen = [];
  while (!seen.includes('unconfirmed')) {
    seen = await mine.evaluateAll((els) => els.map((e) => e.dataset.state));
    expect(seen, 'our send never shows as sent').not.toContain('sent');
    expect(Date.now() < deadline, `unconfirmed within 60 s (${seen})`).toBe(true);
    await page.waitForTimeout(200);
  }
  await expect(mine).toHaveAttribute('data-state', 'unconfirmed');
  expect(await delivered(c.id, [words])).toEqual([0]);
  await settle('client writes the same words', c.id, [words], [page]);
  await expect(mine.getByTestId('timeline-retry')).toBeVisible();
});

test('near-quota localStorage, two reloads', async ({ page }) => {
  const c = await sb.newConversation(unique('Chaos quota'));
  const a = await openOn(page, c.id);
  // Fill the origin's storage until it refuses a write.
  await page.evaluate(() => {
    const chunk = 'x'.repeat(256 * 1024);
    for (let i = 0; ; i += 1) {
      try {
        localStorage.setItem(`filler-${i}`, chunk);
      } catch {
        for (let j = 0; ; j += 1) {
          try {
            localStorage.setItem(`filler-small-${j}`, 'x'.repeat(1024));
          } catch {
            return;
          }
        }
      }
    }
  });
  const t = unique('storage full');
  await a.composer.send(t);
  await expect(page.getByText(/kept only in this tab/)).toBeVisible();
  await expect(a.conv.itemsWith(t)).toHaveAttribute('data-state', 'sent');
  await page.reload();
  await openOn(page, c.id);
  await page.reload();
  await openOn(page, c.id);
  await page.waitForTimeout(1_500);
  await settle('near-quota storage, two reloads', c.id, [t], [page]);
  await page.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('filler-')) localStorage.removeItem(k);
  });
});

test('drafts typed in two tabs, then both reloaded', async ({ page }) => {
  const c1 = await sb.newConversation(unique('Chaos drafts one'));
  const c2 = await sb.newConversation(unique('Chaos drafts two'));
  const a = await openOn(page, c1.id);
  const pageB = await page.context().newPage();
  const b = await openOn(pageB, c2.id);
  const d1 = unique('draft in A');
  const d2 = unique('note draft in B');
  await a.composer.input.fill(d1);
  await b.composer.mode('note');
  await b.composer.input.fill(d2);
  await page.waitForTimeout(1_000); // past the save debounce
  await page.reload();
  await pageB.reload();
  for (const p of [page, pageB]) {
    const on1 = await openOn(p, c1.id);
    await expect(on1.composer.input).toHaveValue(d1);
    await new InboxPage(p).open(c2.id);
    await on1.composer.mode('note');
    await expect(on1.composer.input).toHaveValue(d2);
  }
  ledger.record('drafts in two tabs, both reloaded', { delivered: 0, duplicated: 0, visible: 2 }, 2);
  await pageB.close();
});
