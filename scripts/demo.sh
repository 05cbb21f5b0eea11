#!/usr/bin/env bash
# `make demo`: the script-tag embed demo. Builds the npm package (scripts/pkg.sh), assembles
# www/demo/ + pkg/ into target/demo-site/, and serves it from the sandbox with demo data and its
# same-origin /proxy (the recommended production set-up: the proxy adds the token, the browser
# never holds one). BLINGER_DEMO_ADDR changes the address; DEMO_NO_SERVE=1 only assembles.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
addr=${BLINGER_DEMO_ADDR:-127.0.0.1:8790}
target_dir=${CARGO_TARGET_DIR:-target}
site=target/demo-site

scripts/pkg.sh
rm -rf "$site" && mkdir -p "$site/blinger-inbox"
cp www/demo/index.html www/demo/demo.css www/demo/demo.js "$site/"
cp pkg/index.js pkg/blinger_inbox.js pkg/blinger_inbox_bg.wasm "$site/blinger-inbox/"
[ "${DEMO_NO_SERVE:-0}" = 1 ] && { echo "demo site: $site"; exit 0; }
cargo build -p blinger-sandbox --release --locked
mkdir -p target/demo
echo
echo "Open http://$addr/ : an ordinary page with the inbox in its sidebar and a log of its events."
echo
exec "$target_dir/release/blinger-sandbox" --addr "$addr" --db target/demo/demo-site.sqlite --seed demo \
  --simulate "${BLINGER_SIMULATE:-15}" --static "$site" --proxy
