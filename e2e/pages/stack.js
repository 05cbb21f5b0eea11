// `make run`'s production shape on free ports, for the e2e suites (plain Node, no Playwright):
// scripts/gateway-stack.sh starts blinger-gateway (--dev-login, serving a copy of the built app
// with www/app-config.gateway.json, and the embed demo under /demo/) in front of the sandbox
// (demo data, webhooks to the gateway). Needs dist/ (scripts/build-app.sh), pkg/ (make pkg) and
// the debug binaries (BI_BIN_DIR for another directory).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
const DIST = path.resolve(repo, 'e2e', process.env.BI_DIST_DIR || '../dist');
const BIN_DIR = process.env.BI_BIN_DIR || path.join(repo, 'target/debug');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A blinger-sandbox of its own on a free port (`args` after `--addr`), the release build unless
 * BI_SANDBOX_BIN says otherwise. Resolves to {origin, stop()} once it listens.
 */
export async function startSandbox(args) {
  const bin = process.env.BI_SANDBOX_BIN || path.join(repo, 'target/release/blinger-sandbox');
  const child = spawn(bin, ['--addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the sandbox did not start')), 15_000);
    child.stdout.on('data', (chunk) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(chunk));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
  });
  return { origin, stop: () => child.kill('SIGTERM') };
}

/** The site the gateway serves: the app at `/`, the embed demo (as scripts/demo.sh assembles it) at `/demo/`. */
function assembleSite(site) {
  fs.cpSync(DIST, site, { recursive: true });
  fs.copyFileSync(path.join(repo, 'www/app-config.gateway.json'), path.join(site, 'app-config.json'));
  const pkgDir = path.join(repo, 'pkg');
  if (!fs.existsSync(path.join(pkgDir, 'blinger_inbox_bg.wasm'))) throw new Error(`no package in ${pkgDir}: make pkg`);
  fs.mkdirSync(path.join(site, 'demo/blinger-inbox'), { recursive: true });
  for (const f of ['index.html', 'demo.css', 'demo.js']) fs.copyFileSync(path.join(repo, 'www/demo', f), path.join(site, 'demo', f));
  for (const f of ['index.js', 'blinger_inbox.js', 'blinger_inbox_bg.wasm']) {
    fs.copyFileSync(path.join(pkgDir, f), path.join(site, 'demo/blinger-inbox', f));
  }
}

/**
 * Starts the stack. Resolves to {gateway, sandbox, accountToken, jwtSecret, stop()} once the
 * gateway and the sandbox listen.
 */
export async function startStack() {
  for (const bin of ['blinger-gateway', 'blinger-sandbox']) {
    if (!fs.existsSync(path.join(BIN_DIR, bin))) throw new Error(`no ${bin} in ${BIN_DIR}: cargo build -p ${bin}`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blinger-stack-'));
  const site = path.join(tmp, 'site');
  assembleSite(site);
  const [gw, sbPort] = [await freePort(), await freePort()];
  const child = spawn(path.join(repo, 'scripts/gateway-stack.sh'), [site, 'e2e'], {
    env: {
      ...process.env,
      BLINGER_GATEWAY_ADDR: `127.0.0.1:${gw}`,
      BLINGER_SANDBOX_ADDR: `127.0.0.1:${sbPort}`,
      BLINGER_STACK_STATE: path.join(tmp, 'state'),
      BLINGER_BIN_DIR: BIN_DIR,
      BLINGER_SIMULATE: '3600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const gateway = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start:\n${output}`)), 60_000);
    const take = (chunk) => {
      output += String(chunk);
      const m = /Open (http:\/\/\S+?)\/? in a browser/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => reject(new Error(`the stack exited (${code}):\n${output}`)));
  });
  const read = (name) => fs.readFileSync(path.join(tmp, 'state', name), 'utf8').trim();
  return {
    gateway,
    sandbox: `http://127.0.0.1:${sbPort}`,
    accountToken: read('account-token'),
    jwtSecret: read('jwt-secret'),
    async stop() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      await new Promise((r) => setTimeout(r, 300));
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
