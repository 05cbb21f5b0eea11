// Page object of the open conversation: header, actions, timeline.
import { expect } from '@playwright/test';

export class ConversationPage {
  constructor(page) {
    this.page = page;
    this.view = page.getByTestId('conversation-view');
    this.status = page.getByTestId('conversation-status');
    this.take = page.getByTestId('action-take');
    this.close = page.getByTestId('action-close');
    this.unassign = page.getByTestId('action-unassign');
    this.undo = page.getByTestId('action-undo');
    this.assignOperator = page.getByTestId('action-assign-operator');
    this.assignGroup = page.getByTestId('action-assign-group');
    this.timeline = page.getByTestId('timeline');
    this.items = page.getByTestId('timeline-item');
    this.name = this.view.locator('.bi-header__name');
    this.operator = this.view.locator('.bi-header__operator');
    this.group = this.view.locator('.bi-group');
  }

  async expectOpen(id) {
    await expect(this.view).toHaveAttribute('data-conversation-id', String(id));
    await expect(this.status).toBeVisible();
  }

  async expectStatus(status) {
    await expect(this.status).toHaveText(status);
  }

  /** Waits for a Close/Unassign's Undo window to pass (the call goes out when it disappears). */
  async letUndoPass() {
    await expect(this.undo).toBeVisible();
    await expect(this.undo).toHaveCount(0, { timeout: 15_000 });
  }

  async chooseOperator(id) {
    await this.assignOperator.selectOption(String(id));
  }

  async chooseGroup(id) {
    await this.assignGroup.selectOption(String(id));
  }

  /** Timeline items whose visible text contains `text`. */
  itemsWith(text) {
    return this.items.filter({ hasText: text });
  }

  /** {kind, state, text} of every timeline item. */
  async entries() {
    return this.items.evaluateAll((items) =>
      items.map((li) => ({
        kind: li.dataset.kind,
        state: li.dataset.state,
        text: (li.querySelector('.bi-msg__text')?.textContent ?? '').trim(),
        href: li.querySelector('a[href]')?.getAttribute('href') ?? null,
      })),
    );
  }
}
