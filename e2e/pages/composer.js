// Page object of the composer: Reply · File URL · Internal note.
import { expect } from '@playwright/test';

export class ComposerPage {
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('composer');
    this.input = page.getByTestId('composer-input');
    this.sendButton = page.getByTestId('composer-send');
    this.confirm = page.getByTestId('composer-confirm');
    this.confirmSend = page.getByTestId('composer-confirm-send');
  }

  modeButton(mode) {
    return this.page.getByTestId(`composer-mode-${mode}`);
  }

  async mode(mode) {
    await this.modeButton(mode).click();
    await expect(this.form).toHaveAttribute('data-mode', mode);
  }

  /** Types `text` and sends it with the send button, in the current mode. */
  async send(text) {
    await this.input.fill(text);
    await this.sendButton.click();
    await expect(this.input).toHaveValue('');
  }

  /**
   * Sends many texts fast, from inside the page: for each, the field gets the text (an `input`
   * event, as typing gives) and an Enter `keydown` (the send key). The widget reads the field
   * itself, so this is the composer's own send path, without one CDP round trip per key.
   */
  async sendMany(texts) {
    await this.input.evaluate(async (field, list) => {
      for (const text of list) {
        field.focus();
        field.value = text;
        field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
        field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
        await new Promise((r) => setTimeout(r, 0));
      }
    }, texts);
  }

  /** Types `text` and presses Enter (the default send key). */
  async sendWithEnter(text) {
    await this.input.fill(text);
    await this.input.press('Enter');
  }
}
