// Vite: the element, registered by the import; `ready()` is the package's own promise.
import 'blinger-inbox';
import { ready } from 'blinger-inbox';

const el = document.getElementById('inbox');
window.biReady = null;
window.biErrors = [];
el.addEventListener('ready', () => { window.biReady = performance.now(); });
el.addEventListener('error', (e) => { window.biErrors.push(e.detail?.message ?? 'error'); });
ready().catch((e) => { window.biErrors.push(`ready(): ${e}`); });
