// The gateway journey in Firefox (Debian's firefox-esr through geckodriver, W3C WebDriver):
// Playwright's Firefox cannot open a context on firefox-esr (README, "Guarantees"), so this
// drives it with plain WebDriver commands. Through `make run`'s stack (pages/stack.js): sign in as
// operator 2 on the app's sign-in screen, open a seeded conversation and see its whole history
// (recorded by the gateway from webhooks), reply, see the reply sent once as operator 2, reload,
// sign in again and see it once in the history; a crafted request acting as operator 3 with that
// operator's token is refused (403) and nothing is sent. Then push (`events-url`): two windows
// of the demo page as one operator show a client's new conversation within 1 s while the
// gateway has one event stream open; closing the window holding it hands the stream to the
// other. Prints "firefox gateway journey: N passed" (two tests; scripts/test.sh counts them);
// exits 1 on the first failed check.
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
  await wd.until('the inbox', "const f = document.querySelector('[data-testid=freshness]'); return f && /updated|^live/i.test(f.textContent)");
  await wd.click('[data-testid="inbox-view-unassigned"]');
  const row = `[data-testid="inbox-row"][data-conversation-id="${id}"]`;
  await wd.until('the row', 'return !!document.querySelector(arguments[0])', row);
  await wd.click(row);
  await wd.until('the conversation', 'const v = document.querySelector("[data-testid=conversation-view]"); return v && v.dataset.conversationId === arguments[0]', String(id));
}

/** The gateway's count of open event streams. */
async function streams() {
  const text = await (await fetch(`${stack.gateway}/metrics`)).text();
  const m = /^blinger_gateway_event_streams (\d+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

async function untilStreams(n, what) {
  const end = Date.now() + 30_000;
  let last;
  while (Date.now() < end) {
    last = await streams();
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} (streams: ${last})`);
}

/** The demo page in the current window, loaded, its stream live. */
async function liveDemo() {
  await wd.go(`${stack.gateway}/demo/`);
  await wd.until('the stream live', "const f = $root.querySelector('[data-testid=freshness]'); return f && f.dataset.push === 'live' && f.textContent === 'Live' && !$root.querySelector('[data-testid=loading]')");
}

/** Records in the current window when each new row appears (a MutationObserver, not a timer
 * that a background window would slow down). */
const WATCH = `
  const seen = (window.__rowSeen = {});
  const ids = () => [...$root.querySelectorAll('[data-testid=inbox-row]')].map((r) => r.dataset.conversationId);
  const before = new Set(ids());
  new MutationObserver(() => { for (const id of ids()) if (!before.has(id) && !seen[id]) seen[id] = Date.now(); })
    .observe($root, { childList: true, subtree: true });
  return true;`;

async function clientWrites(name) {
  const r = await fetch(`${stack.sandbox}/sandbox/customer-message`, {
    method: 'POST',
    headers: { ...account, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ text: `push from ${name} ${Date.now()}`, from_user_name: name }),
  });
  return (await r.json()).data.id;
}

/** ms from `start` until the current window saw row `id` (waits up to 5 s). */
async function seenAfter(id, start) {
  const at = await wd.within(5_000, `row ${id}`, 'return (window.__rowSeen || {})[arguments[0]]', String(id));
  return at - start;
}

async function pushJourney() {
  const first = await wd.handle();
  await liveDemo();
  const second = await wd.newWindow();
  await liveDemo();
  await untilStreams(1, 'one stream for two windows');
  check(true, 'two windows live on one stream');
  for (let i = 0; i < 2; i++) {
    for (const h of [first, second]) { await wd.switchTo(h); await wd.query(WATCH); }
    const start = Date.now();
    const id = await clientWrites(`Firefox Tabs ${i}`);
    const took = [];
    for (const h of [first, second]) { await wd.switchTo(h); took.push(await seenAfter(id, start)); }
    console.log(`firefox push: conversation ${id} shown after ${took.join(' / ')} ms (holder / other window)`);
    check(took.every((t) => t < 1_000), `both windows within 1 s (${took})`);
    check((await streams()) === 1, 'still one stream');
  }
  // The window holding the stream (the first: it asked first) closes; the other takes over.
  await wd.switchTo(first);
  await wd.closeWindow();
  await wd.switchTo(second);
  await wd.until('the stream live again', "const f = $root.querySelector('[data-testid=freshness]'); return f && f.dataset.push === 'live'");
  await untilStreams(1, 'the other window holding the stream');
  await wd.query(WATCH);
  const start = Date.now();
  const id = await clientWrites('Firefox Hand-over');
  const took = await seenAfter(id, start);
  console.log(`firefox push: after the hand-over, shown after ${took} ms`);
  check(took < 1_000, `after the hand-over within 1 s (${took})`);
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
  let journeys = 1;
  await pushJourney();
  journeys += 1;
  console.log(`firefox gateway journey: ${journeys} passed (${passed} checks)`);
} catch (e) {
  console.error(`firefox gateway journey: FAILED after ${passed} checks: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await wd?.stop();
  await stack.stop();
}
