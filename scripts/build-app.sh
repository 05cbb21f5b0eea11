#!/usr/bin/env bash
# Builds the standalone app into dist/: `trunk build --release --offline`, then
#   - scripts/wasm-opt.sh (binaryen's wasm-opt -Oz; see there), and
#   - Trunk's inline loader <script> moved into dist/boot-<hash>.js, so the page runs under a
#     strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval', no unsafe-inline),
#   - short names for the glue functions the wasm imports (scripts/short-imports.mjs),
#   - the JS (wasm-bindgen's glue, the loader) and the stylesheet minified (scripts/minify.mjs),
#   - a .br and a .gz beside each text and wasm file (scripts/compress.mjs --write), which the
#     sandbox and the gateway serve to browsers that accept them; the sizes are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

trunk build --release --offline --locked 2>&1 | grep -v '^\s*$' | tail -n 5
for wasm in dist/*.wasm; do
  before=$(stat -c %s "$wasm")
  scripts/wasm-opt.sh "$wasm" "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  echo "wasm-opt: $(basename "$wasm") $before -> $(stat -c %s "$wasm") bytes"
  node scripts/short-imports.mjs "$wasm" "${wasm%_bg.wasm}.js"
done
python3 scripts/strict_csp_dist.py dist
node scripts/minify.mjs dist/*.js dist/*.css
files=()
for f in dist/*; do
  case "$f" in *.wasm | *.js | *.css | *.html | *.json | *.svg) files+=("$f") ;; esac
done
node scripts/compress.mjs --write --label "the app's files" "${files[@]}"
