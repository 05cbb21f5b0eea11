// A strict-CSP host page for the standalone app: every document the sandbox serves gets this
// policy instead of the sandbox's own (which it must already contain the strict script-src of),
// adding Trusted Types: the page may not even create a policy, so any string-to-code or
// string-to-HTML sink the app touched would throw and be reported.
import { expect } from '@playwright/test';

export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' http: https: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

export async function useStrictCsp(page) {
  await page.route(
    (url) => !url.pathname.startsWith('/proxy/') && !url.pathname.startsWith('/sandbox/'),
    async (route) => {
      if (route.request().resourceType() !== 'document') return route.fallback();
      const response = await route.fetch();
      const served = response.headers()['content-security-policy'] ?? '';
      expect(served).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(served).not.toContain("'unsafe-inline'");
      expect(served).not.toContain("'unsafe-eval'");
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
    },
  );
}
