// blinger-inbox: the package entry. Importing it initialises the WebAssembly module (no manual
// init) and registers <blinger-inbox>. Everything else lives in Rust (src/embed/); this file only
// maps attributes and properties onto the JS API.
import init, { mount as mountNow } from './blinger_inbox.js';

let wasm;
let loaded = false;
/** Resolves once the WebAssembly module is ready (rejects if it cannot load, e.g. a CSP without 'wasm-unsafe-eval'). */
export function ready() {
  wasm ??= init({ module_or_path: new URL('./blinger_inbox_bg.wasm', import.meta.url) }).then((exports) => {
    loaded = true;
    return exports;
  });
  return wasm;
}

/** Mounts the inbox into `element` (an open shadow root). Resolves to a handle. */
export async function mount(element, options) {
  await ready();
  return mountNow(element, options);
}

const ATTRIBUTES = {
  'base-url': 'baseUrl',
  'operator-id': 'operatorId',
  'history-url': 'historyUrl',
  'events-url': 'eventsUrl',
  'poll-interval': 'pollInterval',
  theme: 'theme',
  locale: 'locale',
  'send-key': 'sendKey',
  view: 'view',
};

const fail = (el, error) => {
  const message = String((error && error.message) || error);
  el.dispatchEvent(new CustomEvent('error', { bubbles: true, composed: true, detail: { message } }));
};

export class BlingerInboxElement extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);
  // In memory only: never an attribute, never storage, never logged.
  #token;
  #tokenProvider;
  #beforeSend;
  #handle = null;
  #wanted = false;

  constructor() {
    super();
    // Properties set before the element was defined shadow the accessors: take them over.
    for (const name of ['token', 'tokenProvider', 'beforeSend']) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
  }

  /** Write-only: reading gives `undefined`, so the token cannot be read back from the element. */
  get token() { return undefined; }
  set token(value) {
    this.#token = value || undefined;
    this.#tokenProvider = undefined;
    this.#call((h) => h.setToken(this.#token ?? null));
  }

  get tokenProvider() { return this.#tokenProvider; }
  set tokenProvider(fn) {
    this.#tokenProvider = fn || undefined;
    this.#token = undefined;
    this.#call((h) => h.setTokenProvider(this.#tokenProvider ?? null));
  }

  /** `(detail) => boolean`; returning `false` cancels the send (so does `preventDefault()` on `before-send`). */
  get beforeSend() { return this.#beforeSend; }
  set beforeSend(fn) {
    this.#beforeSend = fn || undefined;
    this.#call((h) => h.update({ beforeSend: this.#beforeSend ?? null }));
  }

  /** The JS API handle while mounted (`select`, `refresh`, `setView`, …), else `null`. */
  get handle() { return this.#handle; }
  select(id) { this.#handle?.select(id); }
  refresh() { this.#handle?.refresh(); }
  setView(view) { this.#handle?.setView(view); }

  connectedCallback() {
    this.#wanted = true;
    ready().then(() => {
      if (this.#wanted && !this.#handle && this.isConnected) this.#mount();
    }, (error) => fail(this, error));
  }

  disconnectedCallback() {
    this.#wanted = false;
    this.#handle?.destroy();
    this.#handle = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (!this.#handle) {
      // A mount that failed (e.g. no base-url yet) is tried again when the attributes change.
      if (this.#wanted && loaded && this.isConnected) this.#mount();
      return;
    }
    this.#call((h) => h.update({ [ATTRIBUTES[name]]: after ?? undefined }));
  }

  #options() {
    const options = {};
    for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value !== null && value !== '') options[option] = value;
    }
    if (this.#token) options.token = this.#token;
    if (this.#tokenProvider) options.tokenProvider = this.#tokenProvider;
    if (this.#beforeSend) options.beforeSend = this.#beforeSend;
    return options;
  }

  #mount() {
    try {
      this.#handle = mountNow(this, this.#options());
    } catch (error) {
      fail(this, error);
    }
  }

  #call(action) {
    if (!this.#handle) return;
    try {
      action(this.#handle);
    } catch (error) {
      fail(this, error);
    }
  }
}

if (!customElements.get('blinger-inbox')) {
  customElements.define('blinger-inbox', BlingerInboxElement);
}
