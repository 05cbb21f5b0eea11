// Injected (Playwright addInitScript) into BOTH the Yew app and the plain-JS baseline before any of
// their code runs. It answers the list, get and history requests from in-page fixtures (the same
// bytes for both sides: no network, no Playwright round trip in the measured path) and gives the
// runner its clocks. With `__bench.enabled = false` every request goes to the sandbox unchanged.
(() => {
  'use strict';
  const B = (window.__bench = {
    enabled: false,
    lists: null, // { unassigned, unread, 'not-answered' } -> JSON text of the envelope
    base: [], // the 1000 conversations (objects), sorted like the API
    byId: new Map(),
    histories: new Map(),
    bodies: [], // { path, t0, t1 } per answered body: t1 = end of the task that consumed it
    counts: {},
    wasm: null,
  });
  addEventListener('TrunkApplicationStarted', (e) => {
    B.wasm = e.detail && e.detail.wasm;
  });

  const afterTask = () =>
    new Promise((resolve) => {
      const mc = new MessageChannel();
      mc.port1.onmessage = () => resolve(performance.now());
      mc.port2.postMessage(0);
    });
  B.afterTask = afterTask;
  // Resolves after the first frame in which pred() holds (rAF, then the task after the frame).
  B.frameWhen = (pred) =>
    new Promise((resolve) => {
      const loop = () => {
        if (pred()) afterTask().then(resolve);
        else requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });

  const envelope = (data) => JSON.stringify({ status: 200, data });
  B.setBase = (items) => {
    B.base = items.map((c) => ({ ...c }));
    B.byId = new Map(B.base.map((c) => [c.id, c]));
    B.publish();
  };
  B.publish = () => {
    B.base.sort((a, b) => b.date_updated - a.date_updated || b.id - a.id);
    B.lists = {
      unassigned: envelope(B.base),
      unread: envelope([]),
      'not-answered': envelope([]),
    };
  };
  // Poll k changes 10 of the 1000 conversations (a new client message each): the same 10 on both
  // sides, different ones each k.
  B.mutate = (k) => {
    const n = B.base.length;
    const ids = B.base.map((c) => c.id).sort((a, b) => a - b);
    const top = Math.max(...B.base.map((c) => c.date_updated));
    for (let j = 0; j < 10; j++) {
      const c = B.byId.get(ids[(k * 37 + j * 101) % n]);
      c.last_message = `Update ${k}.${j}: is my order on its way?`;
      c.unread_count += 1;
      c.waiting_operator_response = true;
      c.is_operator_last_message = false;
      c.is_inner_message = false;
      c.date_updated = top + 1 + j;
      c.last_message_date = top + 1 + j;
    }
    B.publish();
  };

  const KINDS = ['client', 'client', 'message', 'client', 'note', 'message', 'file', 'message'];
  B.history = (id) => {
    let text = B.histories.get(id);
    if (!text) {
      const now = Math.floor(Date.now() / 1000);
      const items = [];
      for (let i = 0; i < 500; i++) {
        const kind = KINDS[i % KINDS.length];
        items.push({
          id: id * 1000 + i,
          conversation_id: id,
          kind,
          text: kind === 'file' ? null : `Message ${i} of conversation ${id}: ${'lorem ipsum '.repeat(1 + (i % 7))}`,
          file_url: kind === 'file' ? `https://files.example.com/doc-${i}.pdf` : null,
          operator_id: kind === 'client' ? null : 1 + (i % 4),
          from_user_name: kind === 'client' ? `Client ${id}` : null,
          date_created: now - (500 - i) * 900,
        });
      }
      text = envelope(items);
      B.histories.set(id, text);
    }
    return text;
  };

  const realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    if (!B.enabled) return realFetch(input, init);
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    const path = url.pathname;
    let body = null;
    let m;
    if ((m = path.match(/\/api\/conversations\/(unassigned|unread|not-answered)$/))) {
      body = B.lists[m[1]];
    } else if ((m = path.match(/\/sandbox\/conversations\/(\d+)\/messages$/))) {
      body = B.history(Number(m[1]));
    } else if (path.endsWith('/api/conversations/get')) {
      const c = B.byId.get(Number(url.searchParams.get('conversation_id')));
      if (c) body = envelope(c);
    }
    if (body == null) return realFetch(input, init);
    B.counts[path] = (B.counts[path] || 0) + 1;
    const r = new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    const text = r.text.bind(r);
    r.text = () =>
      text().then((s) => {
        const rec = { path, t0: performance.now(), t1: null };
        B.bodies.push(rec);
        afterTask().then((t) => (rec.t1 = t));
        return s;
      });
    r.json = () => r.text().then(JSON.parse);
    return Promise.resolve(r);
  };

  // Busy time of the bodies answered since `from` (union of [t0, t1] intervals).
  B.busySince = (from) => {
    const spans = B.bodies.slice(from).map((b) => [b.t0, b.t1]).sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -Infinity;
    for (const [s, e] of spans) {
      if (e == null) return null;
      if (s >= end) total += e - s;
      else if (e > end) total += e - end;
      end = Math.max(end, e);
    }
    return total;
  };

  // Mutations of the list between start() and stop().
  B.observe = (target) => {
    const rec = { count: 0 };
    const mo = new MutationObserver((ms) => (rec.count += ms.length));
    mo.observe(target, { subtree: true, childList: true, attributes: true, characterData: true });
    rec.stop = () => {
      rec.count += mo.takeRecords().length;
      mo.disconnect();
      return rec.count;
    };
    return rec;
  };

  // Per-keystroke input latency: keydown timestamp -> the task after the next frame.
  B.keys = [];
  let pendingKey = null;
  addEventListener('keydown', (e) => (pendingKey = e.timeStamp), true);
  addEventListener('input', () => {
    const t0 = pendingKey;
    pendingKey = null;
    if (t0 == null) return;
    requestAnimationFrame(() => afterTask().then((t) => B.keys.push(t - t0)));
  });

  // Navigation -> interactive: the first frame showing rows (recorded for every page load).
  B.interactive = null;
  const watch = () => {
    if (document.querySelector('[data-testid="inbox-row"]')) {
      afterTask().then((t) => (B.interactive = t));
    } else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
})();
