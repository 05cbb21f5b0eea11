#!/usr/bin/env bash
# Optimises one shipped wasm for size (the app, the npm package and the bench build all use it):
# binaryen 132 from e2e/node_modules (Debian's binaryen is too old), with the features rustc's
# wasm32 target emits.
#   -Oz                  smallest code
#   --low-memory-unused  lets binaryen fold constant address offsets into loads and stores, which
#                        is only wrong for an address that wraps around 4 GiB into the first KiB;
#                        Rust never computes such an address (its stack sits at 0..1 MiB, data
#                        above it)
#   --converge           runs the passes again until the module stops shrinking
# Usage: scripts/wasm-opt.sh in.wasm out.wasm
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/e2e/node_modules/.bin/wasm-opt" -Oz --low-memory-unused --converge \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$1" -o "$2"
