// The benchmark's plain-JavaScript baseline: what a careful hand-written inbox does for the same
// work as the Yew widget — same requests (the three lists merged, operators and groups, get +
// history on open), same markup and classes for rows and timeline, keyed updates that touch only
// the rows whose data changed, cached Intl formatters, drafts saved debounced. No framework.
const BASE = '/proxy';
const HISTORY = '/proxy/sandbox/conversations/{id}/messages';
const LISTS = ['unassigned', 'unread', 'not-answered'];
const LABELS = {
  telegrambot: 'Telegram', whatsapp: 'WhatsApp', facebook: 'Facebook', viber: 'Viber', vk: 'VK',
  twitter: 'Twitter', wechat: 'WeChat', line: 'LINE', skype: 'Skype', email: 'E-mail',
  livechat: 'LiveChat',
};

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'narrow' });
const full = new Intl.DateTimeFormat('en', {
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit',
});
const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat('en', { weekday: 'long', day: 'numeric', month: 'long' });

function relative(s) {
  s = Math.max(0, s);
  if (s <= 44) return rtf.format(-s, 'second');
  if (s <= 2699) return rtf.format(-Math.floor((s + 30) / 60), 'minute');
  if (s <= 79199) return rtf.format(-Math.floor((s + 1800) / 3600), 'hour');
  if (s <= 2591999) return rtf.format(-Math.floor((s + 43200) / 86400), 'day');
  return rtf.format(-Math.floor((s + 1296000) / 2592000), 'month');
}
function shortDuration(s) {
  s = Math.max(0, s);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function h(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text != null) el.textContent = text;
  return el;
}

async function getJson(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  const body = await r.text();
  const parsed = JSON.parse(body);
  if (parsed.status !== 200) throw new Error(String(parsed.error));
  return parsed.data;
}

// ---- shell ------------------------------------------------------------------------------------
const app = h('main', 'bi-app');
const bar = h('header', 'bi-app__bar');
bar.append(h('span', 'bi-app__title', 'Blinger inbox'), h('span', 'bi-app__server', 'baseline'));
const root = h('div', 'bi-root');
const listPane = h('section', 'bi-pane bi-pane--list');
const inbox = h('div', 'bi-inbox');
const tabs = h('div', 'bi-tabs');
tabs.setAttribute('role', 'tablist');
for (const [i, name] of ['Needs attention', 'Unassigned', 'Unread', 'Not answered'].entries()) {
  const b = h('button', i === 0 ? 'bi-tab bi-tab--selected' : 'bi-tab');
  b.type = 'button';
  b.setAttribute('role', 'tab');
  b.append(h('span', null, name));
  tabs.append(b);
}
const toolbar = h('div', 'bi-toolbar');
const freshness = h('span', 'bi-freshness', '');
freshness.dataset.testid = 'freshness';
const refresh = h('button', 'bi-button bi-button--small', 'Refresh');
refresh.type = 'button';
refresh.dataset.testid = 'inbox-refresh';
refresh.addEventListener('click', () => poll());
toolbar.append(h('label', 'bi-sort'), freshness, refresh);
const list = h('ul', 'bi-list');
list.setAttribute('role', 'listbox');
list.dataset.testid = 'inbox-list';
inbox.append(tabs, toolbar, list);
listPane.append(inbox);
const convPane = h('section', 'bi-pane bi-pane--conversation');
root.append(listPane, convPane);
app.append(bar, root);
document.body.append(app);

// ---- list -------------------------------------------------------------------------------------
let operators = [];
let groups = [];
const rows = new Map(); // id -> { el, c }
let selected = null;
let now = Math.floor(Date.now() / 1000);
now -= now % 30;

const SAME = ['client_name', 'from_user_name', 'from_user_custom_name', 'last_message', 'unread_count',
  'date_updated', 'last_message_date', 'is_operator_last_message', 'waiting_operator_response',
  'is_inner_message', 'operator_user_id', 'group_id', 'application', 'status'];
const same = (a, b) => SAME.every((k) => a[k] === b[k]);

function fillRow(li, c) {
  const id = c.id;
  li.className = 'bi-row' + (selected === id ? ' bi-row--selected' : '') + (c.unread_count > 0 ? ' bi-row--unread' : '');
  li.setAttribute('aria-selected', selected === id ? 'true' : 'false');
  const activity = c.last_message_date ?? c.date_updated;
  const top = h('div', 'bi-row__top');
  const name = h('span', 'bi-row__name', c.from_user_custom_name || c.from_user_name || `#${id}`);
  name.dir = 'auto';
  top.append(name);
  if (activity != null) {
    const t = h('time', 'bi-row__time', relative(now - activity));
    t.title = full.format(activity * 1000);
    top.append(t);
  }
  const middle = h('div', 'bi-row__middle');
  const preview = h('span', 'bi-row__preview' + (c.is_inner_message ? ' bi-row__preview--note' : ''));
  preview.dir = 'auto';
  if (c.is_inner_message) preview.append(h('span', 'bi-row__tag', 'Note'), ' ');
  else if (c.is_operator_last_message) preview.append(h('span', 'bi-row__tag', 'You'), ' ');
  preview.append([...(c.last_message || '')].slice(0, 140).join(''));
  middle.append(preview);
  if (c.unread_count > 0) {
    const badge = h('span', 'bi-badge', String(c.unread_count));
    badge.setAttribute('aria-label', `${c.unread_count} unread`);
    middle.append(badge);
  }
  const meta = h('div', 'bi-row__meta');
  meta.append(h('span', 'bi-chip', LABELS[c.application] || c.application));
  if (!c.is_operator_last_message && c.waiting_operator_response && !c.is_inner_message && activity != null) {
    const w = h('span', 'bi-row__waiting', `waits ${shortDuration(now - activity)}`);
    w.title = 'Waiting for an answer';
    meta.append(w);
  }
  const op = c.operator_user_id != null && operators.find((o) => o.user_id === c.operator_user_id);
  if (op) meta.append(h('span', 'bi-row__assignee', op.email));
  const g = c.group_id != null && groups.find((x) => x.id === c.group_id);
  if (g) meta.append(h('span', 'bi-row__group', g.title));
  li.replaceChildren(top, middle, meta);
}

function newRow(c) {
  const li = h('li');
  li.setAttribute('role', 'option');
  li.tabIndex = -1;
  li.dataset.testid = 'inbox-row';
  li.dataset.conversationId = String(c.id);
  li.addEventListener('click', () => open(c.id));
  fillRow(li, c);
  return li;
}

// Like the widget (src/components/inbox_list.rs, `Rows`): a long list renders its first 40 rows
// at once and 250 more per following task, until all are in the DOM.
const FIRST_ROWS = 40;
const MORE_ROWS = 250;
let limit = FIRST_ROWS;
let latest = [];
let more = 0;
function renderList(items) {
  latest = items;
  clearTimeout(more);
  if (items.length > limit) {
    more = setTimeout(() => {
      limit += MORE_ROWS;
      renderList(latest);
    }, 0);
  }
  const seen = new Set();
  let ref = list.firstChild;
  for (const c of items.slice(0, limit)) {
    seen.add(c.id);
    let row = rows.get(c.id);
    if (!row) {
      row = { el: newRow(c), c };
      rows.set(c.id, row);
    } else if (!same(row.c, c)) {
      fillRow(row.el, c);
      row.c = c;
    }
    if (row.el === ref) ref = ref.nextSibling;
    else list.insertBefore(row.el, ref);
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.el.remove();
      rows.delete(id);
    }
  }
  const first = list.firstChild;
  if (first && first.tabIndex !== 0) first.tabIndex = 0;
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try {
    const lists = await Promise.all(LISTS.map((l) => getJson(`${BASE}/api/conversations/${l}`)));
    const byId = new Map();
    for (const items of lists) for (const c of items) if (!byId.has(c.id)) byId.set(c.id, c);
    const merged = [...byId.values()].sort((a, b) => b.date_updated - a.date_updated || b.id - a.id);
    renderList(merged);
  } finally {
    polling = false;
  }
}

// ---- conversation -------------------------------------------------------------------------------
let openId = null;
const drafts = new Map();
let saveTimer = 0;

function host(url) {
  const rest = url.includes('://') ? url.split('://')[1] : url;
  return rest.split(/[/?#]/)[0].split('@').pop();
}

async function open(id) {
  if (selected != null && rows.has(selected)) fillRow(rows.get(selected).el, rows.get(selected).c);
  selected = id;
  if (rows.has(id)) fillRow(rows.get(id).el, rows.get(id).c);
  openId = id;
  const c = await getJson(`${BASE}/api/conversations/get?conversation_id=${id}`);
  const history = await getJson(HISTORY.replace('{id}', String(id)));
  if (openId !== id) return;
  renderConversation(c, history);
}

function renderConversation(c, history) {
  root.className = 'bi-root bi-root--open';
  const view = h('div', 'bi-conversation');
  view.dataset.testid = 'conversation-view';
  const header = h('header', 'bi-header');
  const who = h('div', 'bi-header__who');
  who.append(h('h2', 'bi-header__name', c.from_user_custom_name || c.from_user_name), h('div', 'bi-header__meta', LABELS[c.application] || c.application));
  header.append(who);
  const wrap = h('div', 'bi-timeline-wrap');
  const ol = h('div', 'bi-timeline');
  ol.setAttribute('role', 'log');
  ol.setAttribute('aria-live', 'polite');
  ol.tabIndex = 0;
  ol.dataset.testid = 'timeline';
  let lastDay = null;
  let lastAuthor = null;
  const frag = document.createDocumentFragment();
  for (const m of history) {
    const d = new Date(m.date_created * 1000);
    const day = d.getFullYear() * 400 + d.getMonth() * 32 + d.getDate();
    if (day !== lastDay) {
      lastDay = day;
      lastAuthor = null;
      const sep = h('div', 'bi-day');
      sep.setAttribute('role', 'separator');
      sep.append(h('span', null, dayFmt.format(d)));
      frag.append(sep);
    }
    const author = m.kind === 'client'
      ? m.from_user_name || 'Client'
      : (operators.find((o) => o.id === m.operator_id) || { email: 'Operator' }).email;
    const key = `${m.kind}\u0000${author}`;
    const continued = key === lastAuthor;
    lastAuthor = key;
    const inbound = m.kind === 'client';
    const li = h('div', `bi-msg bi-msg--${m.kind} ${inbound ? 'bi-msg--in' : 'bi-msg--out'}${continued ? ' bi-msg--cont' : ''}`);
    li.dataset.testid = 'timeline-item';
    li.dataset.kind = m.kind;
    li.dataset.state = 'sent';
    if (!continued || m.kind === 'note') {
      const head = h('div', 'bi-msg__head');
      if (m.kind === 'note') head.append(h('span', 'bi-msg__notelabel', 'Internal note'));
      const a = h('span', 'bi-msg__author', author);
      a.dir = 'auto';
      const t = h('time', 'bi-msg__time', clock.format(d));
      t.title = full.format(d);
      head.append(a, t);
      li.append(head);
    }
    if (m.kind === 'file' && m.file_url && /^https?:\/\//.test(m.file_url)) {
      const link = h('a', 'bi-chip bi-chip--link', `📎 ${host(m.file_url)}`);
      link.href = m.file_url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.title = m.file_url;
      li.append(link);
    } else {
      const p = h('p', 'bi-msg__text', m.text || '');
      p.dir = 'auto';
      li.append(p);
    }
    frag.append(li);
  }
  ol.append(frag);
  wrap.append(ol);
  const form = h('form', 'bi-composer');
  form.dataset.testid = 'composer';
  const input = h('textarea', 'bi-composer__input');
  input.dataset.testid = 'composer-input';
  input.value = drafts.get(c.id) || '';
  const barEl = h('div', 'bi-composer__bar');
  const send = h('button', 'bi-button bi-button--primary', 'Send');
  send.type = 'submit';
  send.dataset.testid = 'composer-send';
  send.disabled = !input.value.trim();
  barEl.append(h('span', 'bi-muted bi-composer__hint', 'Enter to send'), send);
  input.addEventListener('input', () => {
    drafts.set(c.id, input.value);
    send.disabled = !input.value.trim();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      try {
        localStorage.setItem('bench-baseline-drafts', JSON.stringify([...drafts]));
      } catch {
        /* storage unavailable: drafts stay in memory */
      }
    }, 500);
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  form.append(input, barEl);
  view.append(header, wrap, form);
  convPane.replaceChildren(view);
  ol.scrollTop = ol.scrollHeight;
}

// ---- start ----------------------------------------------------------------------------------------
(async () => {
  [operators, groups] = await Promise.all([
    getJson(`${BASE}/api/operators/all`).catch(() => []),
    getJson(`${BASE}/api/operators/groups`).catch(() => []),
  ]);
  await poll();
  setInterval(poll, 5000);
  setInterval(() => {
    now = Math.floor(Date.now() / 1000);
    now -= now % 30;
  }, 30000);
})();
