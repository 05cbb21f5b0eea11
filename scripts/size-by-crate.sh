#!/usr/bin/env bash
# Where the package's wasm bytes go, by crate (issue 19): the npm package's wasm built exactly as
# `make pkg` builds it, except that the function names are kept (the release profile strips
# them), optimised by scripts/wasm-opt.sh's flags with names, then `twiggy top` over every item,
# summed by the crate its (demangled) name belongs to (scripts/size_by_crate.py). Data segments and tables are one line each.
# Prints a markdown table: crate, bytes, share of the code and data; and the 15 largest
# functions. The shipped build is byte-for-byte a few hundred bytes smaller (no name section):
# the shares are what matters.
#   scripts/size-by-crate.sh          (installs twiggy when missing; target dir target/size)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v twiggy >/dev/null || cargo install twiggy --version =0.8.0 --locked
out=target/size
export CARGO_TARGET_DIR=$out
CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_DEBUG=false \
  cargo rustc --release --locked --target wasm32-unknown-unknown -p blinger-inbox --lib \
    --crate-type cdylib
wasm-bindgen --target web --out-dir "$out/bindgen" \
  "$out/wasm32-unknown-unknown/release/blinger_inbox.wasm"
root="$(pwd)"
"$root/e2e/node_modules/.bin/wasm-opt" -Oz --low-memory-unused --converge --debuginfo \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/bindgen/blinger_inbox_bg.wasm" -o "$out/named.wasm"
twiggy top -n 1000000 -f csv "$out/named.wasm" > "$out/top.csv"
python3 scripts/size_by_crate.py "$out/top.csv"
