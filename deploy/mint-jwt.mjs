// What your app's login does for the widget, in Node without a dependency: after it has checked
// who the user is, it mints a short-lived HS256 JWT for that user's Blinger operator with the
// secret it shares with blinger-gateway (--jwt-secret-file). Serve it from an endpoint of your
// own (`Cache-Control: no-store`), and give the widget `tokenProvider: () => fetch(it)…`.
// e2e/tests/gateway.spec.js signs in with exactly this function.
import { createHmac } from 'node:crypto';

const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** `{operator_id, exp}` (plus `role: "supervisor"` for someone who may act as anyone). */
export function blingerJwt(operatorId, secret, { ttlSeconds = 900, role } = {}) {
  const claims = { operator_id: operatorId, exp: Math.floor(Date.now() / 1000) + ttlSeconds, ...(role && { role }) };
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
