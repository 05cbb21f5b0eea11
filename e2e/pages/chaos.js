// The chaos suites' ledger: what the sandbox's history (the server's truth) holds for each text
// the operator typed, what is still visible for Retry, and the table scenario → delivered /
// duplicated / visible printed at the end of a suite.
import { expect } from '@playwright/test';
import { ConversationPage } from './conversation.js';

export class ChaosLedger {
  /** `sandbox` is a {@link Sandbox}; `title` heads the printed table. */
  constructor(sandbox, title = 'chaos') {
    this.sb = sandbox;
    this.title = title;
    this.rows = [];
  }

  /** How often each text is in the conversation's history as an operator's message. */
  async delivered(id, texts) {
    const history = await this.sb.messages(id);
    return texts.map((t) => history.filter((m) => m.kind !== 'client' && m.text === t).length);
  }

  /** Texts of `texts` shown failed or unconfirmed (with Retry / Discard) in any open page. */
  async visibleForRetry(pages, texts) {
    const out = new Set();
    for (const p of pages) {
      if (p.isClosed()) continue;
      const entries = await new ConversationPage(p).entries().catch(() => []);
      for (const e of entries) {
        if ((e.state === 'failed' || e.state === 'unconfirmed') && texts.includes(e.text)) out.add(e.text);
      }
    }
    return [...out];
  }

  /** Records a scenario's row and asserts: every text delivered once or visible for Retry. */
  async settle(scenario, id, texts, pages) {
    await expect
      .poll(async () => {
        const counts = await this.delivered(id, texts);
        const visible = await this.visibleForRetry(pages, texts);
        return texts.every((t, i) => counts[i] === 1 || visible.includes(t));
      }, { timeout: 30_000, message: `${scenario}: every text delivered or visible` })
      .toBe(true);
    const counts = await this.delivered(id, texts);
    const visible = await this.visibleForRetry(pages, texts);
    this.record(scenario, {
      delivered: counts.filter((n) => n >= 1).length,
      duplicated: counts.filter((n) => n > 1).length,
      visible: visible.length,
    }, texts.length);
  }

  /** Records a row counted by the test itself (e.g. a text kept in the composer). */
  record(scenario, { delivered, duplicated, visible }, typed) {
    this.rows.push({ scenario, delivered, duplicated, visible });
    expect(duplicated, `${scenario}: nothing sent twice`).toBe(0);
    expect(delivered + visible, `${scenario}: nothing lost`).toBeGreaterThanOrEqual(typed);
  }

  print() {
    console.log(`\n${this.title}: scenario → delivered / duplicated / visible for Retry`);
    for (const r of this.rows) {
      console.log(`  ${r.scenario.padEnd(44)} ${r.delivered} / ${r.duplicated} / ${r.visible}`);
    }
  }
}
