#!/usr/bin/env bash
# `make demo`: the script-tag embed demo in the production shape. Builds the npm package
# (scripts/pkg.sh), assembles www/demo/ + pkg/ into target/demo-site/ (with precompressed .br/.gz
# copies), and serves it from
# blinger-gateway in front of the sandbox (scripts/gateway-stack.sh: demo data, webhooks, history):
# the page signs an operator in through the gateway's demo-only --dev-login and hands the widget
# that operator's token with `tokenProvider`; the account token stays on the server.
# BLINGER_DEMO_ADDR changes the page's address; DEMO_NO_SERVE=1 only assembles.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
site=target/demo-site

scripts/pkg.sh
rm -rf "$site" && mkdir -p "$site/blinger-inbox"
cp www/demo/index.html www/demo/demo.css www/demo/demo.js "$site/"
cp pkg/index.js pkg/blinger_inbox.js pkg/blinger_inbox_bg.wasm "$site/blinger-inbox/"
# .br and .gz beside each file: the gateway serves them to browsers that accept them.
node scripts/compress.mjs --write --label "the demo page's files" "$site"/*.html "$site"/*.css \
  "$site"/*.js "$site"/blinger-inbox/*
[ "${DEMO_NO_SERVE:-0}" = 1 ] && { echo "demo site: $site"; exit 0; }
cargo build -p blinger-sandbox -p blinger-gateway --locked
export BLINGER_GATEWAY_ADDR=${BLINGER_DEMO_ADDR:-127.0.0.1:8790}
export BLINGER_SANDBOX_ADDR=${BLINGER_DEMO_SANDBOX_ADDR:-127.0.0.1:8796}
export BLINGER_SIMULATE=${BLINGER_SIMULATE:-15}
echo "The demo page: an ordinary page with the inbox in its sidebar and a log of its events."
exec scripts/gateway-stack.sh "$site" demo-site
