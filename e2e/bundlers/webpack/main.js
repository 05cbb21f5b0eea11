// webpack 5: mount() into a plain element.
import { mount } from 'blinger-inbox';

const el = document.getElementById('inbox');
window.biReady = null;
window.biErrors = [];
el.addEventListener('ready', () => { window.biReady = performance.now(); });
el.addEventListener('error', (e) => { window.biErrors.push(e.detail?.message ?? 'error'); });
mount(el, { baseUrl: '/proxy', historyUrl: '/sandbox/conversations/{id}/messages' })
  .then((handle) => { window.biHandle = handle; }, (e) => { window.biErrors.push(`mount(): ${e}`); });
