// The demo host page: registers <blinger-inbox> by importing the package entry, logs every event
// it emits, badges the header from `unread-changed`, and shows a cancellable `before-send`.
import './blinger-inbox/index.js';

const inbox = document.getElementById('inbox');
const log = document.getElementById('log');
const EVENTS = ['ready', 'conversation-selected', 'message-sent', 'message-failed', 'note-added',
  'assigned', 'closed', 'unread-changed', 'error', 'auth-required', 'before-send'];

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

for (const id of ['theme', 'locale', 'send-key']) {
  document.getElementById(id).addEventListener('change', (e) => inbox.setAttribute(id, e.target.value));
}
document.getElementById('refresh').addEventListener('click', () => inbox.refresh());
document.getElementById('clear').addEventListener('click', () => log.replaceChildren());
