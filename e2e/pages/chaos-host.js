// The chaos suites' host page: the built package (pkg/) on a page of its own, which mounts one
// <blinger-inbox> (window.place) and records the element's events (window.events) and the page's
// uncaught errors (window.errors). Plain Node: the Playwright and the Firefox suites share it.
import fs from 'node:fs';
import path from 'node:path';
import { repo } from './stack.js';

const HOST_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Chaos host</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="host.css"></head>
<body><script type="module" src="host.js"></script></body>
</html>
`;
const HOST_JS = `import 'ENTRY';
window.events = [];
window.errors = [];
for (const name of ['ready', 'auth-required', 'error', 'before-send']) {
  document.addEventListener(name, (e) => window.events.push({ name, detail: e.detail }));
}
window.addEventListener('error', (e) => window.errors.push(String(e.error || e.message)));
window.addEventListener('unhandledrejection', (e) => window.errors.push(String(e.reason)));
window.place = (attrs, props) => {
  document.querySelector('blinger-inbox')?.remove();
  const el = document.createElement('blinger-inbox');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  Object.assign(el, props);
  document.body.append(el);
  return el;
};
`;

/** Writes the host page and a copy of pkg/ into `dir` (served at the site's `/` or a folder). */
export function writeChaosHost(dir) {
  const pkgDir = path.join(repo, 'pkg');
  if (!fs.existsSync(path.join(pkgDir, 'package.json'))) {
    throw new Error(`no package in ${pkgDir}: run \`make pkg\` (scripts/pkg.sh) first`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(pkgDir, path.join(dir, 'pkg'), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const entry = `./pkg/${manifest.exports['.'].import.replace(/^\.\//, '')}`;
  fs.writeFileSync(path.join(dir, 'index.html'), HOST_HTML);
  fs.writeFileSync(path.join(dir, 'host.js'), HOST_JS.replace('ENTRY', entry));
  fs.writeFileSync(path.join(dir, 'host.css'), 'blinger-inbox { display: block; height: 640px; }\n');
}

/** The attributes the chaos scenarios give the element on the sandbox at `origin`. */
export const chaosAttributes = (origin) => ({
  'base-url': origin,
  'operator-id': '1',
  'poll-interval': '1000',
  'history-url': '/sandbox/conversations/{id}/messages',
});
