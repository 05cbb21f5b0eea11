// The public types of blinger-inbox as a strict TypeScript consumer uses them. Type-checked only
// (run.mjs: tsc --noEmit --strict under tsconfig.bundler.json and tsconfig.node16.json); never run.
// Each `@ts-expect-error` fails the check (TS2578) if the line stops being an error, so types that
// decay to `any` fail it too.
import 'blinger-inbox';
import { mount, ready } from 'blinger-inbox';
import type {
  BlingerInboxElement, BlingerInboxEventMap, InboxHandle, InboxOptions, InboxView,
} from 'blinger-inbox';

export async function start(host: HTMLElement): Promise<InboxHandle> {
  await ready();
  const options: InboxOptions = {
    baseUrl: '/proxy',
    operatorId: 2,
    historyUrl: '/sandbox/conversations/{id}/messages',
    pollInterval: 5000,
    theme: 'dark',
    locale: 'ru',
    sendKey: 'ctrl-enter',
    view: 'unassigned',
    tokenProvider: async () => 'token',
    beforeSend: ({ kind, text, conversationId }) => {
      const id: number = conversationId;
      return id > 0 && !(kind === 'message' && /password/i.test(text));
    },
  };
  const handle = await mount(host, options);
  handle.select(42);
  handle.select(null);
  handle.refresh();
  handle.setView('not-answered');
  handle.setToken(null);
  handle.setTokenProvider(() => Promise.resolve('t'));
  handle.update({ theme: 'light', pollInterval: '2000' });
  const mounted: boolean = handle.mounted;
  const element: HTMLElement | undefined = handle.element;
  if (mounted && element) handle.destroy();

  // @ts-expect-error: pollInterval is a number or a string
  void mount(host, { baseUrl: '/proxy', pollInterval: true });
  // @ts-expect-error: baseUrl is required
  void mount(host, { theme: 'auto' });
  // @ts-expect-error: not a theme
  handle.update({ theme: 'blue' });
  // @ts-expect-error: not a view
  handle.setView('archived');
  // @ts-expect-error: not a method of the handle
  handle.reload();
  return handle;
}

export function wire(): void {
  const el = document.querySelector('blinger-inbox');
  if (!el) return;
  // HTMLElementTagNameMap['blinger-inbox'] (index.d.ts's `declare global`)
  const typed: BlingerInboxElement = el;
  const fromMap: HTMLElementTagNameMap['blinger-inbox'] = typed;
  const made: BlingerInboxElement = document.createElement('blinger-inbox');
  made.setAttribute('base-url', '/proxy');
  fromMap.token = 'secret';
  fromMap.tokenProvider = async () => 'token';
  fromMap.beforeSend = (detail) => detail.text.length < 10_000;
  const handle: InboxHandle | null = fromMap.handle;
  handle?.refresh();
  fromMap.select(7);
  fromMap.refresh();
  const view: InboxView = 'unread';
  fromMap.setView(view);

  fromMap.addEventListener('ready', (e) => { const detail: Record<string, never> = e.detail; void detail; });
  fromMap.addEventListener('unread-changed', (e) => { document.title = `(${e.detail.unread}) Support`; });
  fromMap.addEventListener('conversation-selected', (e) => { const id: number = e.detail.conversationId; void id; });
  fromMap.addEventListener('message-sent', (e) => { const kind: 'message' | 'file' = e.detail.kind; void kind; });
  fromMap.addEventListener('assigned', (e) => { const status: string = e.detail.status; void e.detail.operatorId; void status; });
  fromMap.addEventListener('error', (e) => { const message: string = e.detail.message; void message; });
  fromMap.addEventListener('before-send', (e) => { if (e.detail.kind === 'note') e.preventDefault(); });
  const onError = (e: BlingerInboxEventMap['error']): void => { void e.detail.message; };
  fromMap.addEventListener('error', onError);
  fromMap.removeEventListener('error', onError);

  // @ts-expect-error: unread is a number
  fromMap.addEventListener('unread-changed', (e) => { const unread: string = e.detail.unread; void unread; });
  // @ts-expect-error: the error detail has no code
  fromMap.addEventListener('error', (e) => { void e.detail.code; });
  // @ts-expect-error: handle is read-only
  fromMap.handle = null;
  // @ts-expect-error: not a view
  fromMap.setView('everything');
}
