// Accessibility: axe-core on every main state, light and dark: zero serious or critical
// violations (WCAG 2.0/2.1/2.2 A and AA rules, best practices included).
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { InboxPage } from '../pages/inbox.js';
import { ConversationPage } from '../pages/conversation.js';
import { ComposerPage } from '../pages/composer.js';
import { Sandbox, unique } from '../pages/sandbox.js';

let sb;
let convId;
test.beforeAll(async () => {
  sb = await Sandbox.open();
  await sb.clearFaults();
  const c = await sb.newConversation(unique('Axe client'), 'Accessible, please');
  await sb.act('send-note', { conversation_id: c.id, text: 'A note in the timeline' });
  await sb.act('send-file-message', { conversation_id: c.id, file_url: 'https://files.example.test/photo.png', disable_webhook: 1 });
  await sb.act('send-file-message', { conversation_id: c.id, file_url: 'https://files.example.test/doc.pdf', disable_webhook: 1 });
  await sb.customerMessage({ conversation_id: c.id, text: 'Thanks!' });
  convId = c.id;
});
test.afterEach(async () => {
  await sb.clearFaults();
});
test.afterAll(async () => {
  await sb.dispose();
});

/** Runs axe and fails with a readable list of serious/critical violations. */
async function expectAccessible(page, state) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect(bad, `axe on ${state}`).toEqual([]);
  expect(results.passes.length, `axe ran rules on ${state}`).toBeGreaterThan(10);
}

for (const scheme of ['light', 'dark']) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test(`inbox, conversation and each composer mode (${scheme})`, async ({ page, problems }) => {
      const inbox = new InboxPage(page);
      const conv = new ConversationPage(page);
      const composer = new ComposerPage(page);
      await inbox.goto();
      await expect(inbox.rows.first()).toBeVisible();
      await expectAccessible(page, `inbox (${scheme})`);

      await inbox.open(convId);
      await expect(conv.items.first()).toBeVisible();
      // Every composer mode in the light theme; in the dark one, the note mode
      // (its own colours) over the dark timeline.
      for (const mode of scheme === 'light' ? ['reply', 'file', 'note'] : ['note']) {
        await composer.mode(mode);
        await expectAccessible(page, `conversation, ${mode} mode (${scheme})`);
      }
      if (scheme === 'light') {
        // The composer's validation error and the shortcuts dialog.
        await composer.mode('file');
        await composer.input.fill('not a url');
        await composer.sendButton.click();
        await expect(composer.form.getByRole('alert')).toBeVisible();
        await composer.modeButton('reply').focus();
        await page.keyboard.press('?');
        await expect(page.getByTestId('shortcuts')).toBeVisible();
        await expectAccessible(page, `file URL error and shortcuts (${scheme})`);
      }
      expect(problems.pageErrors).toEqual([]);
    });

    test(`empty and error states (${scheme})`, async ({ page, problems }) => {
      const inbox = new InboxPage(page);
      // Empty: the lists answer nothing.
      await page.route('**/proxy/api/conversations/*', async (route) => {
        const url = new URL(route.request().url());
        if (url.pathname.endsWith('/get')) return route.fallback();
        return route.fulfill({ json: { status: 200, data: [] } });
      });
      await inbox.goto();
      await expect(inbox.empty).toBeVisible();
      await expectAccessible(page, `empty (${scheme})`);
      await page.unrouteAll({ behavior: 'wait' });

      // Error: the server fails; the banner explains and counts down.
      for (const path of ['unassigned', 'unread', 'not-answered']) {
        await sb.fault({ path: `/api/conversations/${path}`, status: 503, count: 50 });
      }
      await inbox.refresh();
      await expect(page.getByTestId('banner-error')).toBeVisible({ timeout: 10_000 });
      await expectAccessible(page, `error (${scheme})`);
      expect(problems.pageErrors).toEqual([]);
    });
  });
}
