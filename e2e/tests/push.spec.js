// Push through the gateway (`events-url`), end to end on `make run`'s stack (scripts/gateway-
// stack.sh: the sandbox as Blinger sends webhooks to blinger-gateway, which serves the demo
// page). Two tabs of one operator: both show a client's new message within 1 s while the
// gateway has one event stream open (its /metrics), the other tab hearing it over a
// BroadcastChannel; closing the tab that holds the stream hands it to the other, which shows
// the next message as fast. The freshness label says "Live".
import { test, expect } from './fixtures.js';
import { Sandbox, unique } from '../pages/sandbox.js';
import { InboxPage } from '../pages/inbox.js';
import { startStack } from '../pages/stack.js';

let stack;
let sb;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  stack = await startStack();
  sb = await Sandbox.open({ baseURL: stack.sandbox, token: stack.accountToken });
});

test.afterAll(async () => {
  await sb?.dispose();
  await stack?.stop();
});

/** The gateway's count of open event streams. */
async function streams(request) {
  const text = await (await request.get(`${stack.gateway}/metrics`)).text();
  const m = /^blinger_gateway_event_streams (\d+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** A client writes in (a new conversation); resolves to its id once the sandbox answered. */
async function clientWrites(name) {
  const c = await sb.customerMessage({ text: unique(`push from ${name}`), from_user_name: name, disable_webhook: 0 });
  return c.id;
}

/** The time from `start` until row `id` is in the list of `page` (ms). */
async function rowAppears(page, id, start) {
  await page.locator(`[data-testid="inbox-row"][data-conversation-id="${id}"]`).waitFor({ timeout: 8_000 });
  return Date.now() - start;
}

async function live(page) {
  const inbox = new InboxPage(page);
  await inbox.waitLoaded();
  await expect(page.getByTestId('freshness')).toHaveAttribute('data-push', 'live', { timeout: 15_000 });
  await expect(page.getByTestId('freshness')).toHaveText('Live');
}

test('two tabs, one stream: a new client message shows in both within 1 s; closing the holder hands the stream over', async ({ page, problems, request }) => {
  test.setTimeout(120_000);
  await page.goto(`${stack.gateway}/demo/`);
  await live(page);
  const second = await page.context().newPage();
  const secondErrors = [];
  second.on('pageerror', (e) => secondErrors.push(String(e)));
  await second.goto(`${stack.gateway}/demo/`);
  await live(second);
  // One stream for the two tabs (the second hears the first over the channel).
  await expect.poll(() => streams(request), { timeout: 20_000 }).toBe(1);

  for (let i = 0; i < 3; i++) {
    const start = Date.now();
    const id = await clientWrites(`Two Tabs ${i}`);
    const [a, b] = await Promise.all([rowAppears(page, id, start), rowAppears(second, id, start)]);
    console.log(`new conversation ${id}: holder tab ${a} ms, other tab ${b} ms`);
    expect(a).toBeLessThan(1_000);
    expect(b).toBeLessThan(1_000);
  }
  expect(await streams(request)).toBe(1);

  // The tab holding the stream closes: the other takes the lock and opens its own.
  await page.close();
  await expect.poll(() => streams(request), { timeout: 30_000 }).toBe(1);
  await live(second);
  const start = Date.now();
  const id = await clientWrites('After Hand-over');
  const after = await rowAppears(second, id, start);
  console.log(`after the hand-over: ${after} ms`);
  expect(after).toBeLessThan(1_000);
  expect(problems.pageErrors).toEqual([]);
  expect(secondErrors).toEqual([]);
  await second.close();
});

test('a stream that cannot connect: polling goes on at its interval, the label says so, the stream comes back', async ({ page, problems, context }) => {
  test.setTimeout(90_000);
  // A proxy in the way that drops the long request.
  await context.route('**/gateway/events', (route) => route.abort('connectionreset'));
  await page.goto(`${stack.gateway}/demo/`);
  await new InboxPage(page).waitLoaded();
  const label = page.getByTestId('freshness');
  await expect(label).toHaveAttribute('data-push', 'down', { timeout: 15_000 });
  await expect(label).toContainText('live updates interrupted');
  // Polling (every 3 s on the demo page) still brings a new client message.
  const start = Date.now();
  const id = await clientWrites('While Down');
  const took = await rowAppears(page, id, start);
  console.log(`while the stream is down: ${took} ms`);
  expect(took).toBeLessThan(5_000);
  // The way clears: the stream comes back by itself (jittered backoff, at most 30 s).
  await context.unroute('**/gateway/events');
  await expect(label).toHaveAttribute('data-push', 'live', { timeout: 45_000 });
  await expect(label).toHaveText('Live');
  expect(problems.pageErrors).toEqual([]);
});
