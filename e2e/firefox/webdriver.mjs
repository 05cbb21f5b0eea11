// Debian's firefox-esr through geckodriver with plain W3C WebDriver commands, for the Firefox
// suites of e2e/firefox/ (Playwright cannot open a Firefox context on firefox-esr). One session
// is one browser profile: its windows share the origin's storage, Web Locks and
// BroadcastChannels, as two tabs of one operator do.
import { spawn } from 'node:child_process';
import { freePort } from '../pages/stack.js';

const GECKODRIVER = process.env.GECKODRIVER || 'geckodriver';
const FIREFOX = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** WebDriver key codes (element send keys). */
export const KEY = { enter: '\uE007', control: '\uE009' };

/**
 * The script prelude every query of {@link WebDriver#query} runs after: `$root` is the
 * `<blinger-inbox>` element's (open) shadow root on a host page, the document in the app.
 */
const ROOT = "const $host = document.querySelector('blinger-inbox'); const $root = ($host && $host.shadowRoot) || document;";

export class WebDriver {
  /** Starts geckodriver on a free port and a headless Firefox session. */
  static async start() {
    const port = await freePort();
    const driver = spawn(GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
    const wd = new WebDriver(`http://127.0.0.1:${port}`, driver);
    const end = Date.now() + 15_000;
    for (;;) {
      try {
        await wd.cmd('GET', '/status');
        break;
      } catch (e) {
        if (Date.now() > end) throw new Error(`geckodriver did not start: ${e}`);
        await sleep(100);
      }
    }
    const value = await wd.cmd('POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'] } } },
    });
    wd.s = `/session/${value.sessionId}`;
    return wd;
  }

  constructor(base, driver) {
    this.base = base;
    this.driver = driver;
  }

  async cmd(method, path, body) {
    const r = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json();
    if (json.value && json.value.error) throw new Error(`${method} ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  }

  go(url) { return this.cmd('POST', `${this.s}/url`, { url }); }

  refresh() { return this.cmd('POST', `${this.s}/refresh`, {}); }

  run(script, ...args) { return this.cmd('POST', `${this.s}/execute/sync`, { script, args }); }

  /** Runs `script` (a function body) with `$root` defined (see ROOT). */
  query(script, ...args) { return this.run(`${ROOT}\n${script}`, ...args); }

  /** Runs an async function body: `script` ends by calling `done(value)`. */
  runAsync(script, ...args) {
    return this.cmd('POST', `${this.s}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];\n${ROOT}\n${script}`,
      args,
    });
  }

  /** Polls `script` (see {@link query}) for up to 20 s until it returns something truthy. */
  until(what, script, ...args) { return this.within(20_000, what, script, ...args); }

  /** Polls `script` for up to `ms` until it returns something truthy; resolves to that. */
  async within(ms, what, script, ...args) {
    const end = Date.now() + ms;
    let last;
    while (Date.now() < end) {
      last = await this.query(script, ...args).catch((e) => `Error: ${e.message}`);
      if (last && !(typeof last === 'string' && last.startsWith('Error'))) return last;
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
  }

  /** The element `css` matches under `$root` (a WebDriver element reference). */
  async element(css) {
    const ref = await this.query('return $root.querySelector(arguments[0])', css);
    if (!ref) throw new Error(`no element matches ${css}`);
    return Object.values(ref)[0];
  }

  async click(css) { await this.cmd('POST', `${this.s}/element/${await this.element(css)}/click`, {}); }

  /** Types `text` into `css` as key presses (KEY codes included). */
  async type(css, text) { await this.cmd('POST', `${this.s}/element/${await this.element(css)}/value`, { text }); }

  // --- windows: one per tab of the operator ------------------------------------------------------
  handle() { return this.cmd('GET', `${this.s}/window`); }

  /** Opens a new window and makes it the current one; resolves to its handle. */
  async newWindow() {
    const { handle } = await this.cmd('POST', `${this.s}/window/new`, { type: 'window' });
    await this.switchTo(handle);
    return handle;
  }

  switchTo(handle) { return this.cmd('POST', `${this.s}/window`, { handle }); }

  /** Closes the current window; resolves to the handles still open. */
  closeWindow() { return this.cmd('DELETE', `${this.s}/window`); }

  async stop() {
    if (this.s) await this.cmd('DELETE', this.s).catch(() => {});
    this.driver.kill();
  }
}
