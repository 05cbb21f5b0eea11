// The operator journeys, written once and run by journeys.spec.js (the app as `make run`
// serves it) and by strict-csp.spec.js (under a Trusted-Types-enforcing policy).
// Each waits on what the user sees, or on the sandbox's state; none sleeps.
import { expect } from '@playwright/test';
import { InboxPage, VIEWS, POLL_MS } from '../pages/inbox.js';
import { ConversationPage } from '../pages/conversation.js';
import { ComposerPage } from '../pages/composer.js';
import { OWNER, OPERATORS, unique } from '../pages/sandbox.js';

const byNumber = (a, b) => a - b;
/** One poll plus the request's own time. */
export const WITHIN_ONE_POLL = POLL_MS + 3_000;

/** What the sandbox stored, in the shape the assertions compare. */
export async function stored(sb, id) {
  return (await sb.messages(id)).map((m) => ({
    kind: m.kind,
    text: m.text,
    file_url: m.file_url,
    operator_id: m.operator_id,
  }));
}

export async function triage(page, sb) {
  const inbox = new InboxPage(page);
  await inbox.goto();
  await inbox.disengage();

  // Every view: the count on its tab and its rows are the sandbox's list (attention = union).
  const lists = await sb.lists();
  for (const view of VIEWS) {
    await inbox.showView(view);
    await expect.poll(() => inbox.count(view)).toBe(lists[view].length);
    await expect
      .poll(async () => (await inbox.rowIds()).sort(byNumber))
      .toEqual([...lists[view]].sort(byNumber));
    if (lists[view].length === 0) await expect(inbox.empty).toBeVisible();
  }

  // A client writes in: the conversation appears within one poll, with its unread badge.
  await inbox.showView('attention');
  await inbox.disengage();
  const before = await inbox.count('unassigned');
  const name = unique('Triage client');
  const c = await sb.newConversation(name, 'Is my order on its way?');
  const row = inbox.row(c.id);
  await expect(row).toBeVisible({ timeout: WITHIN_ONE_POLL });
  await expect(row.locator('.bi-row__name')).toHaveText(name);
  await expect(row.locator('.bi-badge')).toHaveText('1');
  await expect(row.locator('.bi-chip')).toHaveText('Telegram');
  await expect(row.locator('.bi-row__preview')).toHaveText('Is my order on its way?');
  await expect.poll(() => inbox.count('unassigned')).toBe(before + 1);
  // Newest activity first: it leads the list.
  expect((await inbox.rowIds())[0]).toBe(c.id);

  // The same client again: the badge counts 2, as the sandbox does.
  await sb.customerMessage({ conversation_id: c.id, text: 'Hello? Anyone?' });
  await expect(row.locator('.bi-badge')).toHaveText('2', { timeout: WITHIN_ONE_POLL });
  await expect(row.locator('.bi-row__preview')).toHaveText('Hello? Anyone?');
  expect((await sb.get(c.id)).unread_count).toBe(2);
  return c;
}

export async function answer(page, sb) {
  const first = 'Can you help me with my invoice?';
  const c = await sb.newConversation(unique('Answer client'), first);
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  const composer = new ComposerPage(page);
  await inbox.goto();
  await inbox.open(c.id);
  await conv.expectStatus('unassigned');
  await expect(conv.itemsWith(first)).toHaveAttribute('data-kind', 'client');

  await conv.take.click();
  await conv.expectStatus('inbox');
  await expect(conv.operator).toHaveText('Me');
  await expect.poll(async () => (await sb.get(c.id)).operator_user_id).toBe(OWNER.userId);
  await expect(inbox.row(c.id).locator('.bi-row__assignee')).toHaveText('Me');

  await sb.resetRequests();
  const reply = `Sure, checking it now ${unique('r')}`;
  const note = `Internal: customer is on the old plan ${unique('n')}`;
  const file = `https://files.example.test/invoices/${unique('f')}.pdf`;

  await expect(composer.form).toHaveAttribute('data-mode', 'reply');
  await composer.send(reply);
  await expect(conv.itemsWith(reply)).toHaveAttribute('data-state', 'sent');
  await expect(conv.itemsWith(reply)).toHaveAttribute('data-kind', 'message');

  await composer.mode('note');
  await expect(composer.sendButton).toHaveText('Add note');
  await expect(composer.form).toHaveClass(/bi-composer--note/);
  await composer.send(note);
  await expect(conv.itemsWith(note)).toHaveAttribute('data-state', 'sent');
  await expect(conv.itemsWith(note)).toHaveAttribute('data-kind', 'note');
  // The mode never resets by itself.
  await expect(composer.form).toHaveAttribute('data-mode', 'note');

  await composer.mode('file');
  await composer.send(file);
  const fileItem = conv.items.filter({ has: page.locator(`a[href="${file}"]`) });
  await expect(fileItem).toHaveAttribute('data-state', 'sent');
  await expect(fileItem).toHaveAttribute('data-kind', 'file');

  // The sandbox stored exactly these, in order, by the owner; the note never as a reply.
  await expect
    .poll(() => stored(sb, c.id))
    .toEqual([
      { kind: 'client', text: first, file_url: null, operator_id: null },
      { kind: 'message', text: reply, file_url: null, operator_id: OWNER.id },
      { kind: 'note', text: note, file_url: null, operator_id: OWNER.id },
      { kind: 'file', text: null, file_url: file, operator_id: OWNER.id },
    ]);
  const counts = await sb.requests();
  expect(counts['/api/conversations/send-message']).toBe(1);
  expect(counts['/api/conversations/send-note']).toBe(1);
  expect(counts['/api/conversations/send-file-message']).toBe(1);
  // Each shows once in the timeline, even after the history caught up.
  await expect(conv.itemsWith(reply)).toHaveCount(1);
  await expect(conv.itemsWith(note)).toHaveCount(1);
  await expect(fileItem).toHaveCount(1);

  // The list updates: answered and read, the conversation needs no attention any more.
  await expect(inbox.row(c.id)).toHaveCount(0, { timeout: WITHIN_ONE_POLL });
  const lists = await sb.lists();
  expect(lists.attention).not.toContain(c.id);
  await expect.poll(() => inbox.count('attention')).toBe(lists.attention.length);
  return c;
}

export async function handOver(page, sb) {
  const c = await sb.newConversation(unique('Handover client'), 'I was charged twice');
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  const composer = new ComposerPage(page);
  await inbox.goto();
  await inbox.open(c.id);
  await conv.expectStatus('unassigned');
  const anna = OPERATORS[1];

  // Assign to another operator.
  await conv.chooseOperator(anna.id);
  await conv.expectStatus('inbox');
  await expect(conv.operator).toHaveText(anna.email);
  await expect.poll(async () => (await sb.get(c.id)).operator_user_id).toBe(anna.userId);
  await expect(conv.assignOperator).toHaveValue('');

  // Assign to a group.
  await conv.chooseGroup(2);
  await expect(conv.group).toHaveText('Billing');
  await expect.poll(async () => (await sb.get(c.id)).group_id).toBe(2);

  // Unassign, then Undo: nothing reaches the sandbox.
  await sb.resetRequests();
  await conv.unassign.click();
  await expect(conv.undo).toBeVisible();
  await conv.undo.click();
  await expect(conv.undo).toHaveCount(0);
  await conv.expectStatus('inbox');
  expect((await sb.requests())['/api/conversations/unassign']).toBeUndefined();
  expect((await sb.get(c.id)).status).toBe('inbox');

  // Unassign for real once the Undo window has passed.
  await conv.unassign.click();
  await conv.letUndoPass();
  await conv.expectStatus('unassigned');
  await expect.poll(async () => (await sb.get(c.id)).status).toBe('unassigned');
  expect((await sb.get(c.id)).operator_user_id).toBeNull();
  await expect(conv.operator).toHaveCount(0);

  // Take it, then Close with Undo (nothing happens), then Close.
  await conv.take.click();
  await conv.expectStatus('inbox');
  await expect.poll(async () => (await sb.get(c.id)).operator_user_id).toBe(OWNER.userId);
  await conv.close.click();
  await conv.undo.click();
  await expect(conv.undo).toHaveCount(0);
  expect((await sb.requests())['/api/conversations/close']).toBeUndefined();
  await conv.close.click();
  await conv.letUndoPass();
  await expect.poll(async () => (await sb.get(c.id)).status).toBe('closed');
  // The widget moves on; the closed conversation leaves the list.
  await expect(conv.view).not.toHaveAttribute('data-conversation-id', String(c.id));
  await expect(inbox.row(c.id)).toHaveCount(0);
  expect((await sb.requests())['/api/conversations/close']).toBe(1);

  // The client writes again: back in the unassigned queue, and the operator takes it.
  await sb.customerMessage({ conversation_id: c.id, text: 'Still there?' });
  await inbox.disengage();
  await expect(inbox.row(c.id)).toBeVisible({ timeout: WITHIN_ONE_POLL });
  await inbox.open(c.id);
  await conv.expectStatus('unassigned');
  await conv.take.click();
  await conv.expectStatus('inbox');

  // Someone closes it elsewhere while it is open: the view says so; Take reopens it.
  await sb.act('close', { conversation_id: c.id, disable_webhook: 1 });
  await conv.expectStatus('closed');
  await expect(conv.take).toHaveText('Take to reopen', { timeout: WITHIN_ONE_POLL });
  await expect(composer.form).toContainText('closed');
  await conv.take.click();
  await conv.expectStatus('inbox');
  await expect.poll(async () => (await sb.get(c.id)).status).toBe('inbox');
  expect((await sb.get(c.id)).operator_user_id).toBe(OWNER.userId);
  await expect(composer.input).toBeVisible();
  return c;
}

async function activeTestId(page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
}

/** Presses Tab (or Shift+Tab) until the focused element has `testid`. */
async function tabTo(page, testid, { back = false, max = 40 } = {}) {
  for (let i = 0; i < max; i += 1) {
    if ((await activeTestId(page)) === testid) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  expect(await activeTestId(page)).toBe(testid);
}

export async function keyboardOnly(page, sb) {
  const first = 'Only the keyboard, please';
  const c = await sb.newConversation(unique('Keyboard client'), first);
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  const composer = new ComposerPage(page);
  await inbox.goto();

  // Into the list with Tab, then j/k to the conversation.
  await tabTo(page, 'inbox-row');
  const ids = await inbox.rowIds();
  const target = ids.indexOf(c.id);
  expect(target).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  for (let i = 0; i < target; i += 1) await page.keyboard.press('j');
  await expect(inbox.row(c.id)).toBeFocused();

  // ? shows the keys, Escape hides them.
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts')).toHaveCount(0);

  // Enter opens, a takes.
  await page.keyboard.press('Enter');
  await conv.expectOpen(c.id);
  await page.keyboard.press('a');
  await conv.expectStatus('inbox');

  // r / n / f: each mode from the keyboard, sent with Enter.
  const reply = `Keyboard reply ${unique('r')}`;
  const note = `Keyboard note ${unique('n')}`;
  const file = `https://files.example.test/${unique('kb')}.png`;
  await page.keyboard.press('r');
  await expect(composer.input).toBeFocused();
  await page.keyboard.type(reply);
  await page.keyboard.press('Enter');
  await expect(conv.itemsWith(reply)).toHaveAttribute('data-state', 'sent');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('n');
  await expect(composer.form).toHaveAttribute('data-mode', 'note');
  await expect(composer.input).toBeFocused();
  await page.keyboard.type(note);
  await page.keyboard.press('Enter');
  await expect(conv.itemsWith(note)).toHaveAttribute('data-state', 'sent');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('f');
  await expect(composer.form).toHaveAttribute('data-mode', 'file');
  await expect(composer.input).toBeFocused();
  await page.keyboard.type(file);
  await page.keyboard.press('Enter');
  await expect(conv.items.filter({ has: page.locator(`a[href="${file}"]`) })).toHaveAttribute('data-state', 'sent');
  await expect
    .poll(() => stored(sb, c.id))
    .toEqual([
      { kind: 'client', text: first, file_url: null, operator_id: null },
      { kind: 'message', text: reply, file_url: null, operator_id: OWNER.id },
      { kind: 'note', text: note, file_url: null, operator_id: OWNER.id },
      { kind: 'file', text: null, file_url: file, operator_id: OWNER.id },
    ]);

  // Assign a group with the keyboard: focus the picker, type to choose.
  await tabTo(page, 'action-assign-group', { back: true });
  await page.keyboard.type('VIP');
  await expect(conv.group).toHaveText('VIP');
  await expect.poll(async () => (await sb.get(c.id)).group_id).toBe(3);

  // c closes (after the Undo window); the widget moves on to the next conversation.
  await tabTo(page, 'action-close');
  await page.keyboard.press('c');
  await conv.letUndoPass();
  await expect.poll(async () => (await sb.get(c.id)).status).toBe('closed');
  await expect(conv.view).not.toHaveAttribute('data-conversation-id', String(c.id));
  // Escape goes back to the list, focus on a row.
  await page.keyboard.press('Escape');
  await expect(conv.view).toHaveCount(0);
  expect(await activeTestId(page)).toBe('inbox-row');
  return c;
}

export async function drafts(page, sb) {
  const a = await sb.newConversation(unique('Draft A'), 'first client');
  const b = await sb.newConversation(unique('Draft B'), 'second client');
  const inbox = new InboxPage(page);
  const composer = new ComposerPage(page);
  await inbox.goto();
  await inbox.open(a.id);

  const texts = {
    reply: 'Half-written reply to A — ünïcödé ✓',
    note: 'Note draft for A',
    file: 'https://files.example.test/draft-a.pdf',
  };
  await composer.input.pressSequentially(texts.reply.slice(0, 10));
  await composer.input.fill(texts.reply);
  await composer.mode('note');
  await expect(composer.input).toHaveValue('');
  await composer.input.fill(texts.note);
  await composer.mode('file');
  await expect(composer.input).toHaveValue('');
  await composer.input.fill(texts.file);
  // Switching modes brings each draft back.
  await composer.mode('reply');
  await expect(composer.input).toHaveValue(texts.reply);
  await composer.mode('note');
  await expect(composer.input).toHaveValue(texts.note);

  // Another conversation has its own drafts; A's row shows a draft marker.
  await inbox.open(b.id);
  // The mode stays what the operator chose (note) across conversations.
  await expect(composer.form).toHaveAttribute('data-mode', 'note');
  await composer.mode('reply');
  await expect(composer.input).toHaveValue('');
  const bDraft = 'Reply draft for B';
  await composer.input.fill(bDraft);
  await expect(inbox.row(a.id).locator('.bi-row__draft')).toBeVisible();
  await inbox.open(a.id);
  await expect(composer.input).toHaveValue(texts.reply);
  await composer.mode('note');
  await expect(composer.input).toHaveValue(texts.note);
  await composer.mode('reply');

  // Reload at once (no pause after the last keystroke): nothing typed is lost.
  await inbox.open(b.id);
  await composer.input.fill(`${bDraft} (edited)`);
  await page.reload();
  await inbox.waitLoaded();
  await expect(inbox.row(a.id).locator('.bi-row__draft')).toBeVisible();
  await expect(inbox.row(b.id).locator('.bi-row__draft')).toBeVisible();
  await inbox.open(b.id);
  await expect(composer.input).toHaveValue(`${bDraft} (edited)`);
  await inbox.open(a.id);
  for (const mode of ['reply', 'note', 'file']) {
    await composer.mode(mode);
    await expect(composer.input).toHaveValue(texts[mode]);
  }
  // A sent draft is gone (and only that one).
  await composer.mode('reply');
  await composer.sendButton.click();
  await expect(composer.input).toHaveValue('');
  await composer.mode('note');
  await expect(composer.input).toHaveValue(texts.note);
}
