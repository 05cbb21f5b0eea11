// Page object of the inbox list (the left pane of the standalone app).
import { expect } from '@playwright/test';

export const VIEWS = ['attention', 'unassigned', 'unread', 'not-answered'];
/** The app's visible poll interval (WidgetConfig::poll_interval_ms of the standalone app). */
export const POLL_MS = 5_000;

export class InboxPage {
  constructor(page) {
    this.page = page;
    this.root = page.locator('.bi-root');
    this.list = page.getByTestId('inbox-list');
    this.rows = page.getByTestId('inbox-row');
    this.refreshButton = page.getByTestId('inbox-refresh');
    this.sort = page.getByTestId('inbox-sort');
    this.updatesBar = page.getByTestId('inbox-updates');
    this.freshness = page.getByTestId('freshness');
    this.empty = page.getByTestId('empty-state');
    this.loading = page.getByTestId('loading');
  }

  /** Opens the app and waits until every list has answered once. */
  async goto() {
    await this.page.goto('/');
    await this.waitLoaded();
  }

  async waitLoaded() {
    await expect(this.freshness).toContainText(/updated|^live/i, { timeout: 15_000 });
    await expect(this.loading).toHaveCount(0);
  }

  tab(view) {
    return this.page.getByTestId(`inbox-view-${view}`);
  }

  async showView(view) {
    await this.tab(view).click();
    await expect(this.tab(view)).toHaveAttribute('aria-selected', 'true');
  }

  /** The count shown on a view's tab (null when none is shown). */
  async count(view) {
    const badge = this.tab(view).locator('.bi-tab__count');
    if ((await badge.count()) === 0) return null;
    return Number(await badge.innerText());
  }

  row(id) {
    return this.page.locator(`[data-testid="inbox-row"][data-conversation-id="${id}"]`);
  }

  async rowIds() {
    return this.rows.evaluateAll((rows) => rows.map((r) => Number(r.dataset.conversationId)));
  }

  /** Moves the pointer and focus out of the list, so new rows are not held back for the operator. */
  async disengage() {
    await this.page.mouse.move(1, 1);
    await this.page.evaluate(() => document.activeElement?.blur?.());
  }

  /**
   * Clicks the conversation's row until its view is open. Playwright's click teleports the
   * pointer: a row that moves (new activity re-sorts the list) between locating and clicking
   * takes the click meant for another; an operator's pointer is in the list first, which holds
   * the rows still.
   */
  async open(id) {
    const view = this.page.getByTestId('conversation-view');
    await expect(async () => {
      await this.row(id).click();
      await expect(view).toHaveAttribute('data-conversation-id', String(id), { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
  }

  async refresh() {
    await this.refreshButton.click();
  }
}
