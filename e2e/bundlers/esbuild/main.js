// esbuild: the element, registered by the import.
import 'blinger-inbox';

const el = document.getElementById('inbox');
window.biReady = null;
window.biErrors = [];
el.addEventListener('ready', () => { window.biReady = performance.now(); });
el.addEventListener('error', (e) => { window.biErrors.push(e.detail?.message ?? 'error'); });
