// The demo host page: signs an operator in (the gateway's demo-only dev login stands in for the
// application's own), adds <blinger-inbox> with a `tokenProvider` that asks the gateway for that
// operator's short-lived token, logs every event it emits, badges the header from
// `unread-changed`, and shows a cancellable `before-send`. Switching operator hands the widget
// over (`operator-id` and `tokenProvider` change; nothing typed is lost).
import './blinger-inbox/index.js';

const DEV_LOGIN = '/gateway/dev-token';
const SIGNED_IN = 'acme-demo-operator';
const log = document.getElementById('log');
const picker = document.getElementById('operator');
const EVENTS = ['ready', 'conversation-selected', 'message-sent', 'message-failed', 'note-added',
  'assigned', 'closed', 'unread-changed', 'error', 'auth-required', 'before-send'];
let inbox = null;

function record(name, detail, note) {
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  const label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  item.append(`${time} `, label, ` ${JSON.stringify(detail ?? {})}`);
  if (note) {
    const extra = document.createElement('span');
    extra.className = 'cancelled';
    extra.textContent = ` ${note}`;
    item.append(extra);
  }
  log.prepend(item);
  while (log.children.length > 200) log.lastElementChild.remove();
}

function status(text) {
  const el = document.getElementById('signing-in');
  if (el) el.textContent = text;
}

/** What the application's login hands the widget: a token for the signed-in operator. */
function tokenProvider(operatorId) {
  return async () => {
    const response = await fetch(DEV_LOGIN, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operator_id: operatorId }),
    });
    if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
    const { token } = await response.json();
    return token;
  };
}

function createInbox(operatorId) {
  inbox = document.createElement('blinger-inbox');
  inbox.id = 'inbox';
  for (const name of EVENTS) {
    inbox.addEventListener(name, (event) => {
      let note = '';
      if (name === 'before-send' && document.getElementById('guard').checked
          && /password/i.test(event.detail.text)) {
        event.preventDefault();
        note = '→ cancelled by the host (preventDefault)';
      }
      record(name, event.detail, note);
      if (name === 'unread-changed') document.getElementById('unread').textContent = String(event.detail.unread);
    });
  }
  inbox.tokenProvider = tokenProvider(operatorId);
  inbox.setAttribute('operator-id', String(operatorId));
  inbox.setAttribute('history-url', '/gateway/conversations/{id}/messages');
  inbox.setAttribute('events-url', '/gateway/events');
  inbox.setAttribute('poll-interval', '3000');
  for (const id of ['theme', 'locale', 'send-key']) inbox.setAttribute(id, document.getElementById(id).value);
  inbox.setAttribute('base-url', '/');
  document.getElementById('signing-in')?.remove();
  document.querySelector('.sidebar').append(inbox);
}

function signIn(operatorId) {
  // The page's "session": who is signed in (an id, no secret) survives a reload.
  try { sessionStorage.setItem(SIGNED_IN, String(operatorId)); } catch { /* storage off: not remembered */ }
  if (!inbox) return createInbox(operatorId);
  inbox.tokenProvider = tokenProvider(operatorId);
  inbox.setAttribute('operator-id', String(operatorId));
  return undefined;
}

async function operators() {
  const response = await fetch(DEV_LOGIN);
  if (!response.ok) throw new Error(`the operator list answered ${response.status}`);
  const body = await response.json();
  return Array.isArray(body.data) ? body.data : [];
}

try {
  const list = await operators();
  if (list.length === 0) throw new Error('the account has no operators');
  picker.replaceChildren(...list.map((o) => new Option(`${o.invite_email} (#${o.id})`, String(o.id))));
  let remembered = null;
  try { remembered = sessionStorage.getItem(SIGNED_IN); } catch { /* storage off */ }
  if (list.some((o) => String(o.id) === remembered)) picker.value = remembered;
  picker.addEventListener('change', () => signIn(Number(picker.value)));
  signIn(Number(picker.value));
} catch (e) {
  status(`Could not sign in: ${e.message}. Is the gateway running with --dev-login?`);
}

for (const id of ['theme', 'locale', 'send-key']) {
  document.getElementById(id).addEventListener('change', (e) => inbox?.setAttribute(id, e.target.value));
}
document.getElementById('refresh').addEventListener('click', () => inbox?.refresh());
document.getElementById('clear').addEventListener('click', () => log.replaceChildren());
