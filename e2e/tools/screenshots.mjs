// Takes the README screenshots of the inbox (light and dark, wide and narrow) from a running
// running `make run` (gateway + sandbox; signs in as the second operator on the sign-in screen):
// node tools/screenshots.mjs [base-url] [out-dir]
import { chromium } from '@playwright/test';

const base = process.argv[2] || 'http://127.0.0.1:8787';
const out = process.argv[3] || '../docs';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const shots = [
  { name: 'inbox-light-wide', scheme: 'light', width: 1280, height: 800, open: true },
  { name: 'inbox-dark-wide', scheme: 'dark', width: 1280, height: 800, open: true },
  { name: 'inbox-light-narrow', scheme: 'light', width: 420, height: 820, open: false },
  { name: 'inbox-dark-narrow', scheme: 'dark', width: 420, height: 820, open: true },
];
for (const s of shots) {
  const page = await browser.newPage({ viewport: { width: s.width, height: s.height }, colorScheme: s.scheme });
  await page.goto(base + '/');
  const signIn = page.locator('[data-testid="sign-in-operator"]');
  const row = page.locator('[data-testid="inbox-row"]').first();
  await signIn.or(row).first().waitFor();
  if (await signIn.count()) await signIn.nth(1).click();
  await row.waitFor();
  if (s.open) {
    await page.locator('[data-testid="inbox-row"]').nth(1).click();
    await page.locator('[data-testid="timeline-item"]').first().waitFor();
  }
  await page.screenshot({ path: `${out}/${s.name}.png` });
  await page.close();
}
await browser.close();
