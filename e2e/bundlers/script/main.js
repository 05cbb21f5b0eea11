// No bundler: node_modules/blinger-inbox/ copied to the static files as ./blinger-inbox/ (the
// package README's "Plain HTML"). An external module, not an inline one: the sandbox's CSP has no
// 'unsafe-inline' (nor would an inline import map pass it).
import { ready } from './blinger-inbox/index.js';

const el = document.getElementById('inbox');
window.biReady = null;
window.biErrors = [];
el.addEventListener('ready', () => { window.biReady = performance.now(); });
el.addEventListener('error', (e) => { window.biErrors.push(e.detail?.message ?? 'error'); });
ready().catch((e) => { window.biErrors.push(`ready(): ${e}`); });
