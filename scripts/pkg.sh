#!/usr/bin/env bash
# `make pkg`: the npm package `blinger-inbox` into pkg/:
#   - the widget crate's lib, release profile (opt-level z, LTO), built as a cdylib alone
#     (`cargo rustc --crate-type cdylib`), through wasm-bindgen --target web. Cargo.toml declares
#     the lib as cdylib + rlib (the app's bin and the tests link the rlib); when one rustc run
#     emits both, LLVM's inlining of the crate's own code comes out differently and the cdylib is
#     about 30 kB gzip larger (measured: bench/RESULTS.md, "crate type"). Same code, same exports.
#   - scripts/wasm-opt.sh (binaryen's wasm-opt -Oz; see there)
#   - scripts/short-imports.mjs: short names for the glue functions the wasm imports (both sides)
#   - scripts/minify.mjs on the generated glue (esbuild; the hand-written index.js stays readable)
#   - the hand-written entry (index.js registers <blinger-inbox> and initialises the wasm itself),
#     its types, package.json and README from www/pkg/
# Prints the raw, gzip and brotli sizes (scripts/compress.mjs). PKG_OUT=dir builds elsewhere (the npm round-trip test uses pkg/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=${PKG_OUT:-pkg}
target_dir=${CARGO_TARGET_DIR:-target}

cargo rustc -p blinger-inbox --lib --crate-type cdylib --release --target wasm32-unknown-unknown --locked
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name blinger_inbox \
  "$target_dir/wasm32-unknown-unknown/release/blinger_inbox.wasm"
scripts/wasm-opt.sh "$out/blinger_inbox_bg.wasm" "$out/blinger_inbox_bg.wasm"
node scripts/short-imports.mjs "$out/blinger_inbox_bg.wasm" "$out/blinger_inbox.js"
node scripts/minify.mjs "$out/blinger_inbox.js"
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
cp www/pkg/index.js www/pkg/index.d.ts www/pkg/README.md "$out/"
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" www/pkg/package.json >"$out/package.json"
cp LICENSE* "$out/" 2>/dev/null || true

node scripts/compress.mjs --label "what a page downloads" \
  "$out"/blinger_inbox_bg.wasm "$out"/blinger_inbox.js "$out"/index.js
echo "pkg: $out/ ready (npm pack $out)"
