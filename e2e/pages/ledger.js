// The chaos suites' ledger, in plain Node (the Playwright suites and the Firefox WebDriver suite
// share it): what the sandbox's history (the server's truth) holds for each text the operator
// typed, what is still visible for Retry, and the table scenario → delivered / duplicated /
// visible printed at the end of a suite.
import assert from 'node:assert/strict';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Ledger {
  /**
   * `messages(id)` resolves to a conversation's history as the sandbox records it
   * (`/sandbox/conversations/{id}/messages`); `title` heads the printed table.
   */
  constructor(messages, title = 'chaos') {
    this.messages = messages;
    this.title = title;
    this.rows = [];
  }

  /** How often each text is in the conversation's history as an operator's message. */
  async delivered(id, texts) {
    const history = await this.messages(id);
    return texts.map((t) => history.filter((m) => m.kind !== 'client' && m.text === t).length);
  }

  /**
   * Records a scenario's row once every text is delivered once or visible for Retry (or 30 s
   * passed), and asserts on it. `entries()` resolves to the {state, text} of the timeline items of
   * every page still open.
   */
  async settle(scenario, id, texts, entries) {
    const look = async () => {
      const counts = await this.delivered(id, texts);
      const shown = new Set();
      for (const e of await entries()) {
        if ((e.state === 'failed' || e.state === 'unconfirmed') && texts.includes(e.text)) shown.add(e.text);
      }
      return { counts, visible: [...shown] };
    };
    const end = Date.now() + 30_000;
    let seen = await look();
    while (!texts.every((t, i) => seen.counts[i] === 1 || seen.visible.includes(t)) && Date.now() < end) {
      await sleep(250);
      seen = await look();
    }
    this.record(scenario, {
      delivered: seen.counts.filter((n) => n >= 1).length,
      duplicated: seen.counts.filter((n) => n > 1).length,
      visible: seen.visible.length,
    }, texts.length);
  }

  /** Records a row counted by the test itself (e.g. a text kept in the composer). */
  record(scenario, { delivered, duplicated, visible }, typed) {
    this.rows.push({ scenario, delivered, duplicated, visible });
    assert.equal(duplicated, 0, `${scenario}: nothing sent twice`);
    assert.ok(delivered + visible >= typed, `${scenario}: nothing lost (${delivered} delivered + ${visible} visible of ${typed})`);
  }

  print() {
    console.log(`\n${this.title}: scenario → delivered / duplicated / visible for Retry`);
    for (const r of this.rows) {
      console.log(`  ${r.scenario.padEnd(44)} ${r.delivered} / ${r.duplicated} / ${r.visible}`);
    }
  }
}
