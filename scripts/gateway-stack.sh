#!/usr/bin/env bash
# The demo's production shape, shared by `make run` and `make demo`:
#   blinger-sandbox (plays Blinger: demo data, live simulated clients, webhooks)
#     → blinger-gateway (account token on the server, per-operator JWTs via --dev-login,
#       history from the webhooks, serving the static site)
#     → the browser.
# Usage: scripts/gateway-stack.sh STATIC_DIR NAME   (state: target/demo/NAME/, or BLINGER_STACK_STATE)
# Needs the two binaries built (debug: the release profile is tuned for the wasm app; another
# directory with BLINGER_BIN_DIR). Addresses: BLINGER_GATEWAY_ADDR (what the browser opens,
# default 127.0.0.1:8787), BLINGER_SANDBOX_ADDR (default 127.0.0.1:8786).
set -euo pipefail
cd "$(dirname "$0")/.."
site=$1
name=$2
bin=${BLINGER_BIN_DIR:-${CARGO_TARGET_DIR:-target}/debug}
gateway_addr=${BLINGER_GATEWAY_ADDR:-127.0.0.1:8787}
sandbox_addr=${BLINGER_SANDBOX_ADDR:-127.0.0.1:8786}
state=${BLINGER_STACK_STATE:-target/demo/$name}
mkdir -p "$state"
chmod 700 "$state"

# Secrets of this demo, made once, kept out of every command line (files, mode 600).
secret() { [ -s "$1" ] || { python3 -c 'import secrets; print(secrets.token_urlsafe(48))' >"$1"; chmod 600 "$1"; }; }
secret "$state/account-token"
secret "$state/jwt-secret"
secret "$state/webhook-secret"
# History comes from the webhooks of a fresh seed: both databases go together or not at all.
if [ ! -s "$state/sandbox.sqlite" ] || [ ! -s "$state/gateway.sqlite" ]; then
  rm -f "$state"/sandbox.sqlite* "$state"/gateway.sqlite*
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_listening() { # log pid what
  for _ in $(seq 1 150); do
    grep -q "listening on" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; echo "FAIL: $3 did not start" >&2; exit 1; }
    sleep 0.1
  done
  cat "$1" >&2; echo "FAIL: $3 did not start in 15 s" >&2; exit 1
}

# The gateway first, so the seeded history's webhooks find it.
BLINGER_GATEWAY_WEBHOOK_SECRET=$(cat "$state/webhook-secret") \
  "$bin/blinger-gateway" --addr "$gateway_addr" --upstream "http://$sandbox_addr" \
  --token-file "$state/account-token" --jwt-secret-file "$state/jwt-secret" \
  --db "sqlite://$state/gateway.sqlite" --static "$site" --dev-login \
  >"$state/gateway.log" 2>&1 &
pids+=($!)
wait_listening "$state/gateway.log" "${pids[-1]}" blinger-gateway
BLINGER_SANDBOX_TOKEN=$(cat "$state/account-token") \
  "$bin/blinger-sandbox" --addr "$sandbox_addr" --db "$state/sandbox.sqlite" --seed demo \
  --webhook-url "http://$gateway_addr/hooks/blinger/$(cat "$state/webhook-secret")" \
  --simulate "${BLINGER_SIMULATE:-20}" >"$state/sandbox.log" 2>&1 &
pids+=($!)
wait_listening "$state/sandbox.log" "${pids[-1]}" blinger-sandbox

echo
echo "blinger-sandbox (as Blinger) on http://$sandbox_addr, webhooks to blinger-gateway."
echo "blinger-gateway on http://$gateway_addr (--dev-login: demo only). Logs and secrets: $state/"
echo
echo "Open http://$gateway_addr/ in a browser (Ctrl+C stops both)."
echo
wait -n "${pids[@]}"
