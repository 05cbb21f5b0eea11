#!/usr/bin/env bash
# `make pkg`: the npm package's build (ES module + .wasm, optimised) into pkg/.
# The package template, types and README arrive with the embed issue; this builds the module.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -p blinger-inbox --lib --release --target wasm32-unknown-unknown --locked
rm -rf pkg && mkdir -p pkg
wasm-bindgen --target web --out-dir pkg --out-name blinger_inbox \
  target/wasm32-unknown-unknown/release/blinger_inbox.wasm
e2e/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/blinger_inbox_bg.wasm -o pkg/blinger_inbox_bg.wasm
for f in pkg/blinger_inbox_bg.wasm pkg/blinger_inbox.js; do
  echo "$f: $(stat -c %s "$f") bytes, $(gzip -9c "$f" | wc -c) gzip"
done
