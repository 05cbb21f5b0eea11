#!/usr/bin/env node
// Minifies shipped JS and CSS in place with esbuild (pinned in e2e/package.json; the bundler tier
// uses the same version): whitespace, comments and local names. Exports, property names and the
// `new URL('…_bg.wasm', import.meta.url)` that bundlers look for are left as they are, so the
// files behave exactly as before. Run on wasm-bindgen's generated glue, the app's loader and its
// stylesheet — not on the hand-written entry (pkg/index.js), which integrators read.
//   node scripts/minify.mjs FILE...
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { transformSync } = require('esbuild');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/minify.mjs FILE...');
  process.exit(2);
}
for (const file of files) {
  const loader = { '.js': 'js', '.mjs': 'js', '.css': 'css' }[extname(file)];
  if (!loader) {
    console.error(`minify: ${file}: only .js and .css files`);
    process.exit(2);
  }
  const source = readFileSync(file, 'utf8');
  // No target: esbuild lowers no syntax and adds no prefixes, it only drops spacing and comments
  // and shortens local names.
  const { code } = transformSync(source, { loader, minify: true, legalComments: 'none' });
  writeFileSync(file, code);
  console.log(`minify: ${file} ${source.length} -> ${code.length} bytes`);
}
