// The chaos ledger (pages/ledger.js) for the Playwright suites: the sandbox is a {@link Sandbox},
// the pages are Playwright pages.
import { Ledger } from './ledger.js';
import { ConversationPage } from './conversation.js';

export class ChaosLedger extends Ledger {
  /** `sandbox` is a {@link Sandbox}; `title` heads the printed table. */
  constructor(sandbox, title = 'chaos') {
    super((id) => sandbox.messages(id), title);
  }

  /** Settles over the timeline items of every page of `pages` still open. */
  settle(scenario, id, texts, pages) {
    return super.settle(scenario, id, texts, async () => {
      const all = [];
      for (const p of pages) {
        if (!p.isClosed()) all.push(...await new ConversationPage(p).entries().catch(() => []));
      }
      return all;
    });
  }
}
