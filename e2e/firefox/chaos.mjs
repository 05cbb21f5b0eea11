// The chaos suite in Firefox (firefox-esr through geckodriver, see webdriver.mjs): the nine
// scenarios of tests/chaos.spec.js (the app) and tests/chaos-embed.spec.js (the host page's
// element), each asserting on the sandbox's history through the shared ledger (pages/ledger.js):
// every text delivered exactly once, or still visible for Retry; never two copies. The windows
// of one WebDriver session are the operator's tabs: one profile, one origin storage, Web Locks
// and BroadcastChannels shared. Prints the ledger's table, then "firefox chaos: N passed" (one
// per scenario; scripts/test.sh counts it); exits 1 if any scenario failed.
//   node firefox/chaos.mjs [name filter]   (GECKODRIVER, FIREFOX_BIN, BI_SANDBOX_BIN, BI_DIST_DIR)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger } from '../pages/ledger.js';
import { chaosAttributes, writeChaosHost } from '../pages/chaos-host.js';
import { repo, startSandbox } from '../pages/stack.js';
import { KEY, WebDriver, sleep } from './webdriver.mjs';

const TOKEN = 'firefox-chaos-token';
const SEND = '/api/conversations/send-message';
const DIST = path.resolve(repo, 'e2e', process.env.BI_DIST_DIR || '../dist');

let serial = 0;
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${(serial += 1)}`;
const check = (ok, what) => {
  if (!ok) throw new Error(`check failed: ${what}`);
};

// --- the sandbox: the app from dist/ (with its /proxy) at `/`, the chaos host page at `/host/` ---
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-ff-chaos-'));
fs.cpSync(DIST, site, { recursive: true });
fs.copyFileSync(path.join(repo, 'www/app-config.sandbox.json'), path.join(site, 'app-config.json'));
writeChaosHost(path.join(site, 'host'));
const server = await startSandbox(['--db', ':memory:', '--seed', 'demo', '--faults', '--proxy', '--static', site,
  '--token', TOKEN]);
const origin = server.origin;

async function api(method, p, body) {
  const r = await fetch(origin + p, {
    method,
    headers: { Authentication: TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(json)}`);
  return json.data;
}
const sb = {
  messages: (id) => api('GET', `/sandbox/conversations/${id}/messages`),
  customerMessage: (fields) => api('POST', '/sandbox/customer-message', { disable_webhook: 1, ...fields }),
  newConversation: (name) => sb.customerMessage({ text: `hello from ${name}`, from_user_name: name, application: 'telegrambot' }),
  fault: (spec) => api('POST', '/sandbox/faults', spec),
  clearFaults: () => api('DELETE', '/sandbox/faults'),
};
const ledger = new Ledger(sb.messages, 'firefox chaos');

// --- the operator's side: windows of one session ------------------------------------------------
const wd = await WebDriver.start();
/** Window handles still open (the first is where each scenario starts). */
let windows = [await wd.handle()];

const item = (text) => `[...$root.querySelectorAll('[data-testid=timeline-item]')].filter((li) => li.textContent.includes(${JSON.stringify(text)}))`;
const ENTRIES = `return [...$root.querySelectorAll('[data-testid=timeline-item]')].map((li) => ({
  kind: li.dataset.kind, state: li.dataset.state,
  text: ((li.querySelector('.bi-msg__text') || {}).textContent || '').trim() }))`;

/** The {state, text} of the timeline items in every open window. */
async function entries() {
  const all = [];
  const current = await wd.handle();
  for (const h of windows) {
    await wd.switchTo(h);
    all.push(...await wd.query(ENTRIES).catch(() => []));
  }
  await wd.switchTo(current);
  return all;
}
const settle = (scenario, id, texts) => ledger.settle(scenario, id, texts, entries);

/** Waits until the item showing `text` in the current window is in `state`. */
const stateIs = (text, state, ms = 20_000) =>
  wd.within(ms, `"${text}" ${state}`, `return ${item(text)}.some((li) => li.dataset.state === arguments[0])`, state);

/** Waits until the open conversation (app or element) is `id`. */
const conversationOpen = (id) =>
  wd.until(`conversation ${id} open`, `const v = $root.querySelector('[data-testid=conversation-view]');
    return v && v.dataset.conversationId === arguments[0] && !!$root.querySelector('[data-testid=conversation-status]')`, String(id));

/** Clicks the conversation's row (in the current window) until its view is open. */
async function openRow(id) {
  const row = `[data-testid="inbox-row"][data-conversation-id="${id}"]`;
  const end = Date.now() + 20_000;
  for (;;) {
    try {
      await wd.until(`row ${id}`, 'return !!$root.querySelector(arguments[0])', row);
      await wd.click(row);
      await wd.within(2_000, `conversation ${id}`, 'const v = $root.querySelector("[data-testid=conversation-view]"); return v && v.dataset.conversationId === arguments[0]', String(id));
      return;
    } catch (e) {
      if (Date.now() > end) {
        const seen = await wd.query(`return { visibility: document.visibilityState, focus: document.hasFocus(),
          freshness: ($root.querySelector('[data-testid=freshness]') || {}).textContent,
          view: ($root.querySelector('[aria-selected=true][role=tab]') || {}).textContent,
          rows: [...$root.querySelectorAll('[data-testid=inbox-row]')].map((r) => r.dataset.conversationId).join(','),
          banners: [...$root.querySelectorAll('[data-testid^=banner]')].map((b) => b.textContent).join(' | ') }`).catch((x) => String(x));
        throw new Error(`${e.message}; the page: ${JSON.stringify(seen)}`);
      }
    }
  }
}

/** The app in the current window, on conversation `id`. */
async function openApp(id) {
  await wd.go(`${origin}/`);
  await wd.until('the lists', `const f = $root.querySelector('[data-testid=freshness]');
    return f && /updated/i.test(f.textContent) && !$root.querySelector('[data-testid=loading]')`);
  await openRow(id);
  await conversationOpen(id);
}

/** A second window (tab) of the operator, made current. */
async function newTab() {
  const h = await wd.newWindow();
  windows.push(h);
  return h;
}

async function closeTab(handle) {
  await wd.switchTo(handle);
  await wd.closeWindow();
  windows = windows.filter((h) => h !== handle);
  await wd.switchTo(windows[0]);
}

/** What Playwright's `fill` does: the field's value, and one `input` event. */
const fill = (text) => wd.query(`const f = $root.querySelector('[data-testid=composer-input]');
  f.focus(); f.value = arguments[0]; f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: arguments[0] }));`, text);
const inputValue = () => wd.query("return $root.querySelector('[data-testid=composer-input]').value");

/** Types `text` and sends it with the send button; waits until the field is empty. */
async function send(text) {
  await fill(text);
  await wd.click('[data-testid="composer-send"]');
  await wd.until('the composer emptied', "return $root.querySelector('[data-testid=composer-input]').value === ''");
}

async function mode(name) {
  await wd.click(`[data-testid="composer-mode-${name}"]`);
  await wd.until(`mode ${name}`, "return $root.querySelector('[data-testid=composer]').dataset.mode === arguments[0]", name);
}

/** The host page in the current window, its element on conversation `id`; `props` is JS source. */
async function hostOn(id, props = `({ token: ${JSON.stringify(TOKEN)} })`) {
  await wd.go(`${origin}/host/`);
  await wd.until('the host page', 'return typeof window.place === "function"');
  await wd.run(`window.place(${JSON.stringify(chaosAttributes(origin))}, ${props})`);
  await wd.until(`row ${id}`, 'return !!$root.querySelector(arguments[0])', `[data-testid="inbox-row"][data-conversation-id="${id}"]`);
  await wd.run('document.querySelector("blinger-inbox").select(arguments[0])', id);
  await conversationOpen(id);
}

const events = (name) => wd.run('return window.events.filter((e) => e.name === arguments[0]).map((e) => e.detail)', name);

// --- the scenarios ---------------------------------------------------------------------------
const scenarios = {
  async 'two tabs, reload mid-send'() {
    const c = await sb.newConversation(unique('FF two tabs'));
    const [a] = windows;
    await openApp(c.id);
    const b = await newTab();
    await openApp(c.id);
    // The first send is stored at once but answered 3 s later; the second waits behind it.
    await sb.fault({ path: SEND, status: 200, delay_ms: 3_000, apply: true });
    const t1 = unique('from A');
    const t2 = unique('from B');
    await wd.switchTo(a);
    await send(t1);
    await wd.switchTo(b);
    await send(t2);
    await wd.switchTo(a);
    await wd.refresh();
    await settle('two tabs, reload mid-send', c.id, [t1, t2]);
    await wd.switchTo(b);
    await stateIs(t1, 'sent');
    await stateIs(t2, 'sent');
    await closeTab(b);
  },

  async 'reload mid-send, late commit'() {
    const c = await sb.newConversation(unique('FF reload'));
    await openApp(c.id);
    await sb.fault({ path: SEND, status: 200, delay_ms: 4_000, apply: true });
    const t = unique('late commit');
    await send(t);
    await sleep(300);
    await wd.refresh();
    await openApp(c.id);
    await settle('reload mid-send, late commit', c.id, [t]);
    await stateIs(t, 'sent');
  },

  async 'owner tab closed mid-send'() {
    const c = await sb.newConversation(unique('FF owner closed'));
    const [a] = windows;
    await openApp(c.id);
    const b = await newTab();
    await openApp(c.id);
    await sb.fault({ path: SEND, status: 200, delay_ms: 3_000, apply: true });
    const t1 = unique('owner sends');
    const t2 = unique('queued behind');
    await wd.switchTo(a);
    await send(t1);
    await send(t2);
    await closeTab(a); // b is the only window now
    await settle('owner tab closed mid-send', c.id, [t1, t2]);
    await stateIs(t1, 'sent');
    await stateIs(t2, 'sent');
  },

  async 'client writes the same words'() {
    const c = await sb.newConversation(unique('FF same words'));
    await openApp(c.id);
    const words = unique('ok');
    // Our POST never reaches the handler; the client writes the same words meanwhile.
    await sb.fault({ path: SEND, status: 503, delay_ms: 1_000 });
    await send(words);
    await sb.customerMessage({ conversation_id: c.id, text: words });
    // Reconcile runs after 0, 1, 3, 10 and 30 s: never shown sent meanwhile, then unconfirmed.
    const mine = `${item(words)}.filter((li) => li.dataset.kind === 'message')`;
    const end = Date.now() + 60_000;
    for (;;) {
      const states = await wd.query(`return ${mine}.map((li) => li.dataset.state)`);
      check(!states.includes('sent'), `never shown sent (${states})`);
      if (states.includes('unconfirmed')) break;
      check(Date.now() < end, 'unconfirmed within 60 s');
      await sleep(500);
    }
    check((await ledger.delivered(c.id, [words]))[0] === 0, 'nothing delivered');
    await settle('client writes the same words', c.id, [words]);
    check(await wd.query(`return ${mine}.some((li) => !!li.querySelector('[data-testid=timeline-retry]'))`), 'Retry offered');
  },

  async 'near-quota storage, two reloads'() {
    const c = await sb.newConversation(unique('FF quota'));
    await openApp(c.id);
    try {
      // Fill the origin's storage until it refuses a write.
      await wd.run(`const chunk = 'x'.repeat(256 * 1024);
        for (let i = 0; ; i += 1) {
          try { localStorage.setItem('filler-' + i, chunk); } catch {
            for (let j = 0; ; j += 1) {
              try { localStorage.setItem('filler-small-' + j, 'x'.repeat(1024)); } catch { return; }
            }
          }
        }`);
      const t = unique('storage full');
      await send(t);
      await wd.until('the storage notice', "return /kept only in this tab/.test(document.body.textContent)");
      await stateIs(t, 'sent');
      await wd.refresh();
      await openApp(c.id);
      await wd.refresh();
      await openApp(c.id);
      await sleep(1_500);
      await settle('near-quota storage, two reloads', c.id, [t]);
    } finally {
      await wd.run("for (const k of Object.keys(localStorage)) if (k.startsWith('filler-')) localStorage.removeItem(k);");
    }
  },

  async 'drafts in two tabs, both reloaded'() {
    const c1 = await sb.newConversation(unique('FF drafts one'));
    const c2 = await sb.newConversation(unique('FF drafts two'));
    const [a] = windows;
    await openApp(c1.id);
    const b = await newTab();
    await openApp(c2.id);
    const d1 = unique('draft in A');
    const d2 = unique('note draft in B');
    await wd.switchTo(a);
    await fill(d1);
    await wd.switchTo(b);
    await mode('note');
    await fill(d2);
    await sleep(1_000); // past the save debounce
    for (const h of [a, b]) {
      await wd.switchTo(h);
      await wd.refresh();
    }
    for (const h of [a, b]) {
      await wd.switchTo(h);
      await openApp(c1.id);
      await wd.until('draft one back', "return $root.querySelector('[data-testid=composer-input]').value === arguments[0]", d1);
      await openRow(c2.id);
      await mode('note');
      await wd.until('note draft two back', "return $root.querySelector('[data-testid=composer-input]').value === arguments[0]", d2);
    }
    ledger.record('drafts in two tabs, both reloaded', { delivered: 0, duplicated: 0, visible: 2 }, 2);
    await closeTab(b);
  },

  async 'theme, locale and send key changed mid-send'() {
    const c = await sb.newConversation(unique('FF options'));
    await hostOn(c.id);
    // The first send is answered (and committed) 3 s late, the second waits behind it.
    await sb.fault({ path: SEND, delay_ms: 3_000 });
    const t1 = unique('sent while the theme changes');
    const t2 = unique('queued while the locale changes');
    await send(t1);
    await send(t2);
    await wd.run(`const e = document.querySelector('blinger-inbox');
      e.setAttribute('theme', 'dark'); e.setAttribute('locale', 'ru'); e.setAttribute('send-key', 'ctrl-enter');`);
    await wd.until('dark and Russian', "const r = $root.querySelector('.bi-root'); return r && r.dataset.theme === 'dark' && r.lang === 'ru'");
    await settle('theme/locale/send key changed mid-send', c.id, [t1, t2]);
    await stateIs(t1, 'sent');
    await stateIs(t2, 'sent');
    // The new send key is in force: Enter is a new line now, Ctrl+Enter sends.
    const t3 = unique('after the change');
    await fill(t3);
    await wd.type('[data-testid="composer-input"]', KEY.enter);
    await wd.until('a new line', "return $root.querySelector('[data-testid=composer-input]').value === arguments[0]", `${t3}\n`);
    await wd.type('[data-testid="composer-input"]', KEY.control + KEY.enter);
    await wd.until('sent with Ctrl+Enter', "return $root.querySelector('[data-testid=composer-input]').value === ''");
    await stateIs(t3, 'sent');
    const counts = await ledger.delivered(c.id, [t1, t2, t3]);
    check(counts.join() === '1,1,1', `each once (${counts})`);
    check((await wd.run('return window.errors')).length === 0, 'no page errors');
  },

  async 'async beforeSend → false, then true'() {
    const c = await sb.newConversation(unique('FF before-send'));
    await hostOn(c.id, `({
      token: ${JSON.stringify(TOKEN)},
      beforeSend: () => new Promise((r) => setTimeout(() => { window.asked = (window.asked || 0) + 1; r(window.answer); }, 400)),
    })`);
    await wd.run('window.answer = false; window.asked = 0;');
    const refused = unique('the host says no');
    await fill(refused);
    await wd.click('[data-testid="composer-send"]');
    await wd.until('the host asked', 'return window.asked === 1');
    await sleep(500);
    const kept = await inputValue();
    check(kept === refused, `the refused text stays in the composer (${JSON.stringify(kept)})`);
    check(await wd.query(`return ${item(refused)}.length`) === 0, 'not in the timeline');
    check((await ledger.delivered(c.id, [refused]))[0] === 0, 'not sent');
    ledger.record('async beforeSend → false (kept in composer)', { delivered: 0, duplicated: 0, visible: 1 }, 1);

    await wd.run('window.answer = true;');
    const allowed = unique('the host says yes');
    await fill(allowed);
    await wd.click('[data-testid="composer-send"]');
    // A second press while the host decides is no second send.
    await wd.click('[data-testid="composer-send"]').catch(() => {});
    await settle('async beforeSend → true', c.id, [allowed]);
    await stateIs(allowed, 'sent');
    check((await ledger.delivered(c.id, [allowed]))[0] === 1, 'sent once');
    check((await wd.run('return window.errors')).length === 0, 'no page errors');
  },

  async 'a tokenProvider that never settles, mid-send'() {
    const c = await sb.newConversation(unique('FF token'));
    // The provider answers until the host's session "expires"; from then on it never settles.
    await hostOn(c.id, `({
      tokenProvider: () => window.hang ? new Promise(() => {}) : Promise.resolve(${JSON.stringify(TOKEN)}),
    })`);
    await wd.run('window.hang = true;');
    // The token is refused from now on: the widget asks the provider again, which hangs.
    await sb.fault({ path: SEND, status: 401 });
    const t = unique('sent as the token expires');
    await send(t);
    const end = Date.now() + 30_000;
    while (!(await events('error')).some((d) => /tokenProvider did not answer within 15 s/.test(d.message))) {
      check(Date.now() < end, 'an error event within 30 s');
      await sleep(500);
    }
    await wd.until('signed out', "const b = $root.querySelector('[data-testid=banner-auth]'); return b && b.textContent.includes('Signed out')");
    check((await ledger.delivered(c.id, [t]))[0] === 0, 'not sent while signed out');
    check(await wd.query(`return ${item(t)}.length`) === 1, 'the text is still shown');
    // The host signs in again: the send goes once.
    await sb.clearFaults();
    await wd.run('document.querySelector("blinger-inbox").tokenProvider = () => Promise.resolve(arguments[0]);', TOKEN);
    const retry = `${item(t)}.map((li) => li.querySelector('[data-testid=timeline-retry]')).find(Boolean)`;
    const again = Date.now() + 30_000;
    while ((await ledger.delivered(c.id, [t]))[0] === 0) {
      check(Date.now() < again, 'delivered within 30 s of signing in');
      await wd.query(`const b = ${retry}; if (b) b.click();`);
      await sleep(500);
    }
    await settle('hanging tokenProvider mid-send', c.id, [t]);
    await stateIs(t, 'sent');
  },
};

// --- run -------------------------------------------------------------------------------------
const filter = process.argv[2] || '';
let passed = 0;
const failed = [];
try {
  for (const [name, run] of Object.entries(scenarios)) {
    if (!name.includes(filter)) continue;
    const started = Date.now();
    try {
      await run();
      passed += 1;
      console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed.push(name);
      console.log(`  ✘ ${name}: ${e.stack || e}`);
    } finally {
      await sb.clearFaults().catch(() => {});
      // Back to one window for the next scenario.
      while (windows.length > 1) await closeTab(windows[windows.length - 1]).catch(() => windows.pop());
      await wd.switchTo(windows[0]).catch(() => {});
      await wd.go('about:blank').catch(() => {});
    }
  }
  ledger.print();
} finally {
  await wd.stop();
  server.stop();
  fs.rmSync(site, { recursive: true, force: true });
}
console.log(`firefox chaos: ${passed} passed, ${failed.length} failed${failed.length ? ` (${failed.join('; ')})` : ''}`);
if (failed.length || passed === 0) process.exitCode = 1;
