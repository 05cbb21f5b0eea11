// Shared fixtures: every page records CSP violations, console errors and uncaught exceptions,
// so each journey can assert that none happened.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  problems: async ({ page }, use) => {
    const problems = { csp: [], console: [], pageErrors: [] };
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.console.push(msg.text());
    });
    page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
    await use(problems);
    problems.csp = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
  },
});

export { expect };
