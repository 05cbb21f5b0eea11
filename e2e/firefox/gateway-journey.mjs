// The gateway journey in Firefox (Debian's firefox-esr through geckodriver, W3C WebDriver):
// Playwright's Firefox cannot open a context on firefox-esr (README, "Guarantees"), so this
// drives it with plain WebDriver commands. Through `make run`'s stack (pages/stack.js): sign in as
// operator 2 on the app's sign-in screen, open a seeded conversation and see its whole history
// (recorded by the gateway from webhooks), reply, see the reply sent once as operator 2, reload,
// sign in again and see it once in the history; a crafted request acting as operator 3 with that
// operator's token is refused (403) and nothing is sent. Prints "firefox gateway journey: N
// passed" (one test; scripts/test.sh counts it); exits 1 on the first failed check.
//   node firefox/gateway-journey.mjs   (GECKODRIVER, FIREFOX_BIN override the defaults)
import { startStack } from '../pages/stack.js';
import { WebDriver } from './webdriver.mjs';

const OPERATOR = 2;
let passed = 0;
const check = (ok, what) => {
  if (!ok) throw new Error(`check failed: ${what}`);
  passed += 1;
};

const stack = await startStack();
let wd;
const account = { Authentication: stack.accountToken };
const sandbox = async (p) => (await (await fetch(stack.sandbox + p, { headers: account })).json()).data;

async function signInAndOpen(id) {
  await wd.go(`${stack.gateway}/`);
  const choice = `[data-testid="sign-in-operator"][data-operator-id="${OPERATOR}"]`;
  await wd.until('the sign-in list', 'return !!document.querySelector(arguments[0])', choice);
  await wd.click(choice);
  await wd.until('the inbox', "const f = document.querySelector('[data-testid=freshness]'); return f && /updated/i.test(f.textContent)");
  await wd.click('[data-testid="inbox-view-unassigned"]');
  const row = `[data-testid="inbox-row"][data-conversation-id="${id}"]`;
  await wd.until('the row', 'return !!document.querySelector(arguments[0])', row);
  await wd.click(row);
  await wd.until('the conversation', 'const v = document.querySelector("[data-testid=conversation-view]"); return v && v.dataset.conversationId === arguments[0]', String(id));
}

const timelineTexts = 'return [...document.querySelectorAll("[data-testid=timeline-item]")].map((e) => e.textContent)';

try {
  wd = await WebDriver.start();
  // A seeded conversation with several messages, which this browser never saw live.
  let id = null;
  let seeded = [];
  for (const c of await sandbox('/api/conversations/unassigned')) {
    const history = (await sandbox(`/sandbox/conversations/${c.id}/messages`)).filter((m) => m.text && m.kind !== 'note');
    if (history.length >= 3) { id = c.id; seeded = history; break; }
  }
  check(id !== null, 'a seeded conversation with history');

  await signInAndOpen(id);
  check(true, 'signed in as operator 2 and opened the conversation');
  await wd.until('the whole seeded history', `const t = (() => { ${timelineTexts} })(); return arguments[0].every((s) => t.some((x) => x.includes(s)))`, seeded.map((m) => m.text));
  check(true, 'the whole seeded history is shown');

  const text = `firefox reply ${Date.now()}`;
  await wd.type('[data-testid="composer-input"]', text);
  await wd.click('[data-testid="composer-send"]');
  await wd.until('the reply sent', 'return [...document.querySelectorAll("[data-testid=timeline-item]")].some((e) => e.textContent.includes(arguments[0]) && e.dataset.state === "sent")', text);
  const mine = (await sandbox(`/sandbox/conversations/${id}/messages`)).filter((m) => m.text === text);
  check(mine.length === 1 && mine[0].operator_id === OPERATOR, `sent once as operator 2 (${JSON.stringify(mine)})`);

  await signInAndOpen(id);
  await wd.until('the reply in the history after a reload', `const t = (() => { ${timelineTexts} })(); return t.filter((x) => x.includes(arguments[0])).length === 1`, text);
  check(true, 'the reply is in the history once after a reload');

  // A crafted request from the page: operator 2's token, acting as operator 3.
  const crafted = `crafted ${Date.now()}`;
  const answer = await wd.runAsync(`
    (async () => {
      const t = await fetch('/gateway/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operator_id: ${OPERATOR} }) });
      const { token } = await t.json();
      const r = await fetch('/api/conversations/send-message', { method: 'POST', headers: { Authentication: token, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ conversation_id: String(${id}), operator_id: '3', text: ${JSON.stringify(crafted)} }) });
      return { status: r.status, body: await r.text() };
    })().then(done, (e) => done({ error: String(e) }));`);
  check(answer.status === 403, `the crafted request is refused (${JSON.stringify(answer)})`);
  await new Promise((r) => setTimeout(r, 500));
  const leaked = (await sandbox(`/sandbox/conversations/${id}/messages`)).filter((m) => m.text === crafted);
  check(leaked.length === 0, 'nothing of the crafted request was sent');
  const html = await wd.run('return document.documentElement.outerHTML + JSON.stringify({ ...localStorage, ...sessionStorage })');
  check(!html.includes(stack.accountToken), 'the account token is nowhere in the page or its storage');
  console.log(`firefox gateway journey: 1 passed (${passed} checks)`);
} catch (e) {
  console.error(`firefox gateway journey: FAILED after ${passed} checks: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await wd?.stop();
  await stack.stop();
}
