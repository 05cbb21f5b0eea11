// Types of the blinger-inbox package: the options of mount(), the handle, the events and the
// <blinger-inbox> element.

/** A view of the inbox list. */
export type InboxView = 'attention' | 'unassigned' | 'unread' | 'not-answered';
/** Colour theme; `auto` follows `prefers-color-scheme`. */
export type InboxTheme = 'auto' | 'light' | 'dark';
/** Which key sends from the composer. */
export type InboxSendKey = 'enter' | 'ctrl-enter';
/** What is being sent: a reply (`message`), a file by URL, or an internal note. */
export type SendKind = 'message' | 'file' | 'note';

/** Options of {@link mount} and {@link InboxHandle.update}. */
export interface InboxOptions {
  /** API address: `https://app.blinger.io`, or a same-origin path such as `/proxy` (recommended: the proxy adds the token). Required. */
  baseUrl: string;
  /** The operator to act as (Blinger operator `id`); omitted = the account owner. */
  operatorId?: number | string;
  /** Message-history URL template with `{id}`, absolute or relative to `baseUrl` (e.g. `/sandbox/conversations/{id}/messages`). */
  historyUrl?: string;
  /**
   * The gateway's event stream (`/gateway/events`), absolute or relative to `baseUrl`. While it
   * is up, changes appear at once and polling slows to a 60 s safety net; one tab per origin
   * holds the stream and shares it with the others.
   */
  eventsUrl?: string;
  /** Poll interval while the page is visible, in ms (≥ 1000; default 5000). */
  pollInterval?: number | string;
  /** Default `auto`. */
  theme?: InboxTheme;
  /** BCP 47 tag; `ru…` is Russian, anything else English. Default `en`. */
  locale?: string;
  /** Default `enter`. */
  sendKey?: InboxSendKey;
  /** The view to start with. Default `attention`. */
  view?: InboxView;
  /** A fixed token (kept in memory only). Prefer a same-origin proxy, or `tokenProvider`. */
  token?: string;
  /** Async token source, asked once and again after a 401; one that does not answer within 15 s shows the signed-out state and fires `error`. */
  tokenProvider?: () => string | Promise<string>;
  /**
   * Asked before every send; return `false` (or a Promise of `false`, a rejection, or nothing
   * within 15 s) to cancel it — the text stays in the composer.
   */
  beforeSend?: (detail: BeforeSendDetail) => boolean | void | Promise<boolean | void>;
}

/** What {@link mount} resolves to. Every method does nothing after `destroy()`. */
export interface InboxHandle {
  /** Unmounts: no timer, listener or request is left. Idempotent. */
  destroy(): void;
  /** Opens a conversation (`null`: back to the list). */
  select(id: number | string | null): void;
  /** Polls everything now. */
  refresh(): void;
  /** Switches the list view. */
  setView(view: InboxView): void;
  /** Sets a fixed token (`null`: none) and resumes after `auth-required`. */
  setToken(token: string | null): void;
  /** Sets an async token provider (`null`: none) and resumes after `auth-required`. */
  setTokenProvider(provider: (() => string | Promise<string>) | null): void;
  /** Changes options: `undefined`/`null` resets a key to its default, a missing key keeps its value. */
  update(options: Partial<InboxOptions>): void;
  /** `false` after `destroy()`. */
  readonly mounted: boolean;
  /** The element it is mounted in (`undefined` after `destroy()`). */
  readonly element: HTMLElement | undefined;
}

/** Resolves once the WebAssembly module is loaded (the element and `mount` wait for it themselves). */
export function ready(): Promise<unknown>;
/** Mounts the inbox into an open shadow root of `element`. Rejects with an `Error` naming a bad option. */
export function mount(element: HTMLElement, options: InboxOptions): Promise<InboxHandle>;

export interface ConversationDetail { conversationId: number }
export interface MessageSentDetail { conversationId: number; localId: number; kind: 'message' | 'file' }
export interface MessageFailedDetail { conversationId: number; localId: number; message?: string }
export interface NoteAddedDetail { conversationId: number; localId: number; kind: 'note' }
export interface AssignedDetail {
  conversationId: number;
  /** Operator `id` when assigned to an operator by this widget (absent for Take and Unassign). */
  operatorId?: number;
  /** Group id when assigned to a group. */
  groupId?: number;
  /** Status afterwards: `unassigned` | `inbox` | `closed`. */
  status: string;
}
export interface UnreadChangedDetail { unread: number }
export interface ErrorDetail { message: string }
export interface BeforeSendDetail { conversationId: number; kind: SendKind; text: string }

/** Every event the widget dispatches on its element (bubbling, composed `CustomEvent`s). */
export interface BlingerInboxEventMap {
  'ready': CustomEvent<Record<string, never>>;
  'conversation-selected': CustomEvent<ConversationDetail>;
  'message-sent': CustomEvent<MessageSentDetail>;
  'message-failed': CustomEvent<MessageFailedDetail>;
  'note-added': CustomEvent<NoteAddedDetail>;
  'assigned': CustomEvent<AssignedDetail>;
  'closed': CustomEvent<ConversationDetail>;
  'unread-changed': CustomEvent<UnreadChangedDetail>;
  'error': CustomEvent<ErrorDetail>;
  'auth-required': CustomEvent<Record<string, never>>;
  /** Cancellable: `preventDefault()` cancels the send. */
  'before-send': CustomEvent<BeforeSendDetail>;
}

/** `<blinger-inbox>`. Attributes: base-url, operator-id, history-url, events-url, poll-interval, theme, locale, send-key, view. */
export class BlingerInboxElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** Write-only (reads give `undefined`); never an attribute. Setting it after `auth-required` resumes. */
  token: string | undefined;
  tokenProvider: (() => string | Promise<string>) | undefined;
  beforeSend: ((detail: BeforeSendDetail) => boolean | void | Promise<boolean | void>) | undefined;
  /** The JS API while mounted, else `null`. */
  readonly handle: InboxHandle | null;
  select(id: number | string | null): void;
  refresh(): void;
  setView(view: InboxView): void;
  addEventListener<K extends keyof BlingerInboxEventMap>(
    type: K, listener: (this: BlingerInboxElement, ev: BlingerInboxEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof BlingerInboxEventMap>(
    type: K, listener: (this: BlingerInboxElement, ev: BlingerInboxEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'blinger-inbox': BlingerInboxElement;
  }
}
