#!/usr/bin/env bash
# `make gateway`: the production shape on one machine, for a demo. The sandbox plays Blinger
# (demo data, a simulated client, webhooks to the gateway: the seeded history arrives as
# webhooks); blinger-gateway sits in front of it with --dev-login. Debug builds (the release
# profile is tuned for the wasm app: lto, opt-level z). Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

sb_addr=${BLINGER_SANDBOX_ADDR:-127.0.0.1:8787}
gw_addr=${BLINGER_GATEWAY_ADDR:-127.0.0.1:8788}
bin=${CARGO_TARGET_DIR:-target}/debug
dir=target/gateway-demo
rm -rf "$dir" && mkdir -p "$dir"

cargo build -p blinger-sandbox -p blinger-gateway --locked

token=demo-token
printf '%s' "$token" > "$dir/token"
head -c 48 /dev/urandom | base64 | tr -d '\n' > "$dir/jwt-secret"   # 64 bytes
hook=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
chmod 600 "$dir/token" "$dir/jwt-secret"

"$bin/blinger-sandbox" --addr "$sb_addr" --db "$dir/sandbox.sqlite" --seed demo --token "$token" \
  --simulate "${BLINGER_SIMULATE:-20}" --webhook-url "http://$gw_addr/hooks/blinger/$hook" \
  > "$dir/sandbox.log" 2>&1 &
sb_pid=$!
trap 'kill "$sb_pid" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

Sandbox (as Blinger): http://$sb_addr (log: $dir/sandbox.log)
Gateway:              http://$gw_addr  — try:
  jwt=\$(curl -s -X POST http://$gw_addr/gateway/dev-token -d '{"operator_id":2}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "Authentication: \$jwt" http://$gw_addr/api/conversations/unread
  curl -s -H "Authentication: \$jwt" http://$gw_addr/gateway/conversations/7/messages
Widget: base-url="http://$gw_addr", tokenProvider → your login's JWT,
        history-url="/gateway/conversations/{id}/messages"

MSG
"$bin/blinger-gateway" --addr "$gw_addr" --upstream "http://$sb_addr" --token-file "$dir/token" \
  --jwt-secret-file "$dir/jwt-secret" --db "sqlite://$dir/gateway.sqlite" --webhook-secret "$hook" \
  --dev-login "$@"
