#!/usr/bin/env bash
# `make run`: builds the app and the sandbox, then serves the app from the sandbox with demo data.
# The app connects through the sandbox's same-origin proxy (/proxy), so no token ever reaches the
# browser: the sandbox adds it server-side, as a production proxy would.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

addr=${BLINGER_SANDBOX_ADDR:-127.0.0.1:8787}
scripts/build-app.sh
cp www/app-config.sandbox.json dist/app-config.json
cargo build -p blinger-sandbox --release --locked
mkdir -p target/demo
echo
echo "Starting blinger-sandbox with demo data (Ctrl+C to stop)."
echo "Open http://$addr/ in a browser: the inbox is already connected to the sandbox."
echo
exec target/release/blinger-sandbox --addr "$addr" --db target/demo/sandbox.sqlite --seed demo \
  --simulate "${BLINGER_SIMULATE:-20}" --static dist --proxy
