#!/usr/bin/env bash
# `make bench`: the side-by-side benchmark (bench/README in bench/RESULTS.md). Builds the
# production app into its own directory (never dist/, which others use), copies the plain-JS
# baseline beside it, starts two sandboxes (1000 conversations; the demo seed), and runs
# bench/run.mjs in Debian's Chromium. Results: bench/results.json and bench/results-table.md.
#   BENCH_DIST=/work/bench-dist   where the measured build goes
#   BENCH_SKIP_BUILD=1            measure the build already in BENCH_DIST
#   BENCH_PORT=8771               first of the two sandbox ports (the second is +1)
#   BENCH_RUNS=10 BENCH_WARMUP=2  counted and warm-up runs per scenario and side
#   BENCH_ONLY=first,open         only these scenarios (first unchanged changed open typing memory nav)
# `scripts/bench.sh --profile` runs bench/profile.mjs instead (Chrome tracing of scenario 1: where
# the time goes, per side; BENCH_PROFILE_* options in that file):
#   BENCH_KEEP_NAMES=1            build with the wasm functions' names (no strip, no wasm-opt)
# Then the gateway part (bench/gateway.mjs: blinger-gateway against the sandbox alone, both
# built with the `server` profile); `scripts/bench.sh --gateway` runs only that part. Last the
# push latency (bench/push-latency.mjs); `scripts/bench.sh --push` runs only that part.
# `scripts/bench.sh --lighthouse`: Lighthouse 12 (pinned in bench/lighthouse/package-lock.json) on
# the standalone app and the embed demo page, on the builds in dist/ and pkg/ and the debug
# binaries (it builds what is missing first); results in bench/lighthouse/results.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
dist="${BENCH_DIST:-$PWD/target/bench-dist}"
port="${BENCH_PORT:-8771}"
token=bench-token
target_dir="${CARGO_TARGET_DIR:-target}"

gateway_bench() {
  cargo build --profile server --locked --quiet -p blinger-sandbox -p blinger-gateway
  node bench/gateway.mjs "$target_dir/server/blinger-sandbox" "$target_dir/server/blinger-gateway"
}
# The push latency (bench/push-latency.mjs): make run's stack, a client's message → the widget,
# with the gateway's event stream and with polling at the default interval, side by side.
push_bench() {
  [ -f dist/index.html ] || scripts/build-app.sh
  [ -f pkg/blinger_inbox_bg.wasm ] || scripts/pkg.sh
  cargo build --locked --quiet -p blinger-sandbox -p blinger-gateway
  cargo build --release --locked --quiet -p blinger-sandbox
  node bench/push-latency.mjs
}
if [ "${1:-}" = --gateway ]; then
  gateway_bench
  exit 0
fi
if [ "${1:-}" = --push ]; then
  push_bench
  exit 0
fi
if [ "${1:-}" = --lighthouse ]; then
  [ -f dist/index.html ] || scripts/build-app.sh
  [ -f pkg/blinger_inbox_bg.wasm ] || scripts/pkg.sh
  cargo build --locked --quiet -p blinger-sandbox -p blinger-gateway
  cargo build --release --locked --quiet -p blinger-sandbox
  if [ ! -f bench/lighthouse/node_modules/.package-lock.json ] \
    || [ bench/lighthouse/package-lock.json -nt bench/lighthouse/node_modules/.package-lock.json ]; then
    (cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd bench/lighthouse && node run.mjs)
  exit 0
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  rm -rf "$dist"
  if [ "${BENCH_KEEP_NAMES:-0}" = 1 ]; then
    CARGO_PROFILE_RELEASE_STRIP=false trunk build --release --offline --locked --dist "$dist" 2>&1 |
      grep -v '^\s*$' | tail -n 3
  else
    trunk build --release --offline --locked --dist "$dist" 2>&1 | grep -v '^\s*$' | tail -n 3
    for wasm in "$dist"/*.wasm; do
      scripts/wasm-opt.sh "$wasm" "$wasm.opt"
      mv "$wasm.opt" "$wasm"
      node scripts/short-imports.mjs "$wasm" "${wasm%_bg.wasm}.js" >/dev/null
    done
  fi
  python3 scripts/strict_csp_dist.py "$dist"
  node scripts/minify.mjs "$dist"/*.js "$dist"/*.css >/dev/null
fi
cp www/app-config.sandbox.json "$dist/app-config.json"
mkdir -p "$dist/baseline"
cp bench/baseline/index.html bench/baseline/baseline.js "$dist/baseline/"
cp "$dist"/inbox-*.css "$dist/baseline/inbox.css"

cargo build -p blinger-sandbox --release --quiet
sandbox="$target_dir/release/blinger-sandbox"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # port seed
  "$sandbox" --addr "127.0.0.1:$1" --db :memory: --seed "$2" --proxy --static "$dist" \
    --token "$token" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$1/index.html" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: the sandbox on port $1 did not start" >&2
  exit 1
}
start "$port" empty
start "$((port + 1))" demo
node bench/seed.mjs "http://127.0.0.1:$port" "$token"

runner=bench/run.mjs
[ "${1:-}" = --profile ] && runner=bench/profile.mjs
BENCH_BULK_URL="http://127.0.0.1:$port" BENCH_DEMO_URL="http://127.0.0.1:$((port + 1))" \
  BENCH_TOKEN="$token" BENCH_DIST="$dist" node "$runner"
[ "${1:-}" = --profile ] || { gateway_bench; push_bench; }
