// The sandbox as the tests see it: Blinger's API with the token (Node side only, never the
// browser), plus the /sandbox/ extensions (client messages, history, faults, request counts,
// fixtures).
import { request as pwRequest, expect } from '@playwright/test';
import { SANDBOX_URL, SANDBOX_TOKEN } from '../playwright.config.js';

export const OWNER = { id: 1, userId: 1001, email: 'owner@demo.blinger.test' };
export const OPERATORS = [
  OWNER,
  { id: 2, userId: 1002, email: 'anna@demo.blinger.test' },
  { id: 3, userId: 1003, email: 'omar@demo.blinger.test' },
  { id: 4, userId: 1004, email: 'li@demo.blinger.test' },
];

let serial = 0;
/** A string unique to this run, for names and texts the assertions look for. */
export function unique(prefix = 't') {
  serial += 1;
  return `${prefix}-${Date.now().toString(36)}-${serial}`;
}

export class Sandbox {
  /** The suite's sandbox, or another one (a spec that starts its own). */
  static async open({ baseURL = SANDBOX_URL, token = SANDBOX_TOKEN } = {}) {
    const ctx = await pwRequest.newContext({
      baseURL,
      extraHTTPHeaders: { Authentication: token },
    });
    return new Sandbox(ctx);
  }

  constructor(ctx) {
    this.ctx = ctx;
  }

  async dispose() {
    await this.ctx.dispose();
  }

  async #data(response) {
    const body = await response.json();
    expect(response.status(), JSON.stringify(body)).toBe(200);
    return body.data;
  }

  async getJson(path, params) {
    return this.#data(await this.ctx.get(path, { params }));
  }

  async postJson(path, data) {
    return this.#data(await this.ctx.post(path, { data }));
  }

  // --- Blinger's API -------------------------------------------------------------------------
  list(kind, operatorId) {
    const params = operatorId ? { operator_id: operatorId } : undefined;
    return this.getJson(`/api/conversations/${kind}`, params);
  }

  get(id) {
    return this.getJson('/api/conversations/get', { conversation_id: id });
  }

  act(action, fields) {
    return this.postJson(`/api/conversations/${action}`, fields);
  }

  // --- extensions ------------------------------------------------------------------------------
  /** A client writes in; without conversation_id a new conversation is created. */
  customerMessage(fields) {
    return this.postJson('/sandbox/customer-message', { disable_webhook: 1, ...fields });
  }

  /** A new unassigned conversation from a client named `name`. */
  async newConversation(name, text = `hello from ${name}`, application = 'telegrambot') {
    return this.customerMessage({ text, from_user_name: name, application });
  }

  messages(id) {
    return this.getJson(`/sandbox/conversations/${id}/messages`);
  }

  async fault(spec) {
    return this.postJson('/sandbox/faults', spec);
  }

  async clearFaults() {
    const r = await this.ctx.delete('/sandbox/faults');
    expect(r.status()).toBe(200);
  }

  async armedFaults() {
    return this.getJson('/sandbox/faults');
  }

  async requests() {
    return this.getJson('/sandbox/requests');
  }

  async resetRequests() {
    const r = await this.ctx.delete('/sandbox/requests');
    expect(r.status()).toBe(200);
  }

  /** Overwrites display fields (operators, groups, conversations): see sandbox/README.md. */
  fixtures(body) {
    return this.postJson('/sandbox/fixtures', body);
  }

  /** Ids of the three lists (for the owner) and their union, as the widget should show them. */
  async lists() {
    const [unassigned, unread, notAnswered] = await Promise.all([
      this.list('unassigned'),
      this.list('unread'),
      this.list('not-answered'),
    ]);
    const ids = (l) => l.map((c) => c.id);
    const attention = [...new Set([...ids(unassigned), ...ids(unread), ...ids(notAnswered)])];
    return {
      unassigned: ids(unassigned),
      unread: ids(unread),
      'not-answered': ids(notAnswered),
      attention,
    };
  }
}
