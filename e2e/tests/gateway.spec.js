// `make run`'s production shape, end to end: scripts/gateway-stack.sh starts the sandbox (as
// Blinger, demo data, webhooks) and blinger-gateway (--dev-login, serving a copy of the built
// app with www/app-config.gateway.json). The app opens on "Sign in as operator …"; signed in as
// one operator it shows the inbox, a seeded conversation's full history (recorded by the
// gateway from the webhooks), sends as that operator exactly once, and never holds the account
// token; signing out goes back to the list. `make demo`'s page (www/demo/ + the built package,
// served here under /demo/) signs in through the same dev login and hands the element the
// operator's token with `tokenProvider`.
import { test, expect } from './fixtures.js';
import { Sandbox, OPERATORS, unique } from '../pages/sandbox.js';
import { InboxPage } from '../pages/inbox.js';
import { ConversationPage } from '../pages/conversation.js';
import { ComposerPage } from '../pages/composer.js';
import { startStack } from '../pages/stack.js';
import { blingerJwt } from '../../deploy/mint-jwt.mjs';

let stack;
let gateway;
let sb;
let accountToken;

/** Opens the conversation unless it is open already (the narrow sidebar shows one pane). */
async function openIfNot(page, inbox, id) {
  const view = page.getByTestId('conversation-view');
  if ((await view.count()) > 0 && (await view.getAttribute('data-conversation-id')) === String(id)) return;
  if ((await inbox.rows.count()) === 0 || !(await inbox.row(id).isVisible())) {
    await page.getByRole('button', { name: /back|←/i }).click().catch(() => {});
  }
  await inbox.open(id);
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  stack = await startStack();
  ({ gateway, accountToken } = stack);
  sb = await Sandbox.open({ baseURL: stack.sandbox, token: accountToken });
});

test.afterAll(async () => {
  await sb?.dispose();
  await stack?.stop();
});

test('sign in as an operator through the gateway: full history, sends as them, no account token', async ({ page, problems }) => {
  test.setTimeout(90_000);
  const anna = OPERATORS[1];
  // A seeded conversation with a history of several messages, which this tab never saw live.
  const unassigned = await sb.list('unassigned');
  let id = null;
  let seeded = [];
  for (const c of unassigned) {
    const history = await sb.messages(c.id);
    if (history.filter((m) => m.kind !== 'note').length >= 3) { id = c.id; seeded = history; break; }
  }
  expect(id, 'a seeded conversation with history').not.toBeNull();

  await page.goto(`${gateway}/`);
  const signIn = page.getByTestId('sign-in');
  await expect(signIn.getByRole('heading')).toHaveText('Sign in as an operator');
  const choices = page.getByTestId('sign-in-operator');
  await expect(choices).toHaveCount(OPERATORS.length);
  const choice = page.locator(`[data-testid="sign-in-operator"][data-operator-id="${anna.id}"]`);
  await expect(choice).toContainText(`Sign in as ${anna.email}`);
  await choice.click();

  const inbox = new InboxPage(page);
  await inbox.waitLoaded();
  await expect(page.locator('.bi-app__server')).toContainText(`operator ${anna.id}`);
  await inbox.open(id);
  const conv = new ConversationPage(page);
  await conv.expectOpen(id);
  // The gateway's history (from the webhooks): every message and reply the sandbox has for it
  // (notes fire no webhook in Blinger, so an open conversation's notes are not in it).
  for (const m of seeded.filter((m) => m.text && m.kind !== 'note')) {
    await expect(conv.itemsWith(m.text).first()).toBeVisible();
  }
  // A reply goes as Anna, once.
  const text = unique('reply through the gateway');
  await new ComposerPage(page).send(text);
  await expect(conv.itemsWith(text)).toHaveAttribute('data-state', 'sent');
  await expect
    .poll(async () => (await sb.messages(id)).filter((m) => m.text === text).length)
    .toBe(1);
  const sent = (await sb.messages(id)).find((m) => m.text === text);
  expect(sent).toMatchObject({ kind: 'message', operator_id: anna.id });

  // The account token is nowhere the page can reach: not in the DOM, storage or the URL.
  expect(await page.content()).not.toContain(accountToken);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  expect(stored).not.toContain(accountToken);
  expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // nor the JWT
  expect(page.url()).not.toContain(accountToken);

  // Signing out goes back to the list.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('sign-in')).toBeVisible();
  expect(problems.pageErrors).toEqual([]);
  expect(problems.console).toEqual([]);
});

test('the embed demo page signs in through the gateway and the element gets its token from tokenProvider', async ({ page, problems }) => {
  test.setTimeout(90_000);
  const [first, second] = OPERATORS;
  await page.goto(`${gateway}/demo/`);
  const picker = page.getByLabel('Signed in as');
  await expect(picker.locator('option')).toHaveCount(OPERATORS.length);
  await expect(picker).toHaveValue(String(first.id));
  const inbox = new InboxPage(page);
  await inbox.waitLoaded();
  // The gateway's full history in a conversation this page never saw live.
  const [c] = await sb.list('unassigned');
  const history = (await sb.messages(c.id)).filter((m) => m.text && m.kind !== 'note');
  await inbox.showView('unassigned');
  await inbox.open(c.id);
  const conv = new ConversationPage(page);
  await conv.expectOpen(c.id);
  for (const m of history) await expect(conv.itemsWith(m.text).first()).toBeVisible();

  // Another operator signs in: the element is handed over and sends as them.
  await picker.selectOption(String(second.id));
  await inbox.waitLoaded();
  await openIfNot(page, inbox, c.id);
  const text = unique('demo page reply');
  await new ComposerPage(page).send(text);
  await expect(conv.itemsWith(text)).toHaveAttribute('data-state', 'sent');
  await expect.poll(async () => (await sb.messages(c.id)).filter((m) => m.text === text).length).toBe(1);
  expect((await sb.messages(c.id)).find((m) => m.text === text)).toMatchObject({ operator_id: second.id });
  expect(await page.content()).not.toContain(accountToken);
  await expect(page.locator('#log')).toContainText('message-sent');

  // After a reload (still signed in as them) the reply is in the gateway's history, once.
  await page.reload();
  await expect(picker).toHaveValue(String(second.id));
  await inbox.waitLoaded();
  await openIfNot(page, inbox, c.id);
  await conv.expectOpen(c.id);
  await expect(conv.itemsWith(text)).toHaveCount(1);
  await expect(conv.itemsWith(history.at(-1).text).first()).toBeVisible();

  // A crafted request that acts as another operator is refused by the gateway: a visible
  // error, the text kept in the outbox, nothing sent.
  await page.route('**/api/conversations/send-message', (route) => {
    const body = new URLSearchParams(route.request().postData() || '');
    body.set('operator_id', String(OPERATORS[2].id));
    return route.continue({ postData: body.toString() });
  });
  const crafted = unique('acting as someone else');
  await new ComposerPage(page).send(crafted);
  const refused = conv.itemsWith(crafted);
  await expect(refused).toHaveAttribute('data-state', 'failed');
  await expect(refused).toContainText(/Not sent.*not allowed/);
  await page.unroute('**/api/conversations/send-message');
  expect((await sb.messages(c.id)).filter((m) => m.text === crafted)).toHaveLength(0);
  expect(problems.pageErrors).toEqual([]);
  // The one console error is the browser's line for the refused request.
  expect(problems.console.filter((m) => !/status of 403/.test(m))).toEqual([]);
});

test("the README's Node example mints a token the gateway takes, for its operator only", async ({ request }) => {
  const secret = stack.jwtSecret;
  const jwt = blingerJwt(2, secret);
  const mine = await request.get(`${gateway}/api/conversations/unread`, { headers: { Authentication: jwt } });
  expect(mine.status()).toBe(200);
  const theirs = await request.get(`${gateway}/api/conversations/unread?operator_id=3`, { headers: { Authentication: jwt } });
  expect(theirs.status()).toBe(403);
  const forged = await request.get(`${gateway}/api/conversations/unread`, {
    headers: { Authentication: blingerJwt(2, 'not-the-secret-not-the-secret-not-the-secret') },
  });
  expect(forged.status()).toBe(401);
  const expired = await request.get(`${gateway}/api/conversations/unread`, {
    headers: { Authentication: blingerJwt(2, secret, { ttlSeconds: -3600 }) },
  });
  expect(expired.status()).toBe(401);
});
