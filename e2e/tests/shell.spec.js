// The standalone app as `make run` serves it: strict CSP, connected through the proxy, no token.
import { test, expect } from './fixtures.js';
import { SANDBOX_TOKEN } from '../playwright.config.js';

test('the app loads under the strict CSP and connects through the same-origin proxy', async ({ page, problems }) => {
  const response = await page.goto('/');
  const csp = response.headers()['content-security-policy'] || '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  await expect(page.locator('.bi-app')).toBeVisible();
  await expect(page.locator('.bi-app__server')).toContainText('/proxy');

  const violations = await page.evaluate(() => window.__cspViolations);
  expect(violations).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  // The token never reaches the page: not in the DOM, not in storage, not in the URL.
  const html = await page.content();
  expect(html).not.toContain(SANDBOX_TOKEN);
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(storage).not.toContain(SANDBOX_TOKEN);
  expect(page.url()).not.toContain(SANDBOX_TOKEN);
});

test('without app-config.json the connection screen explains a bad address', async ({ page, problems }) => {
  await page.route('**/app-config.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  const url = page.getByLabel('API address');
  await expect(url).toBeVisible();
  await url.fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText('http://');
  await expect(url).toBeFocused();
  expect(problems.pageErrors).toEqual([]);
});
