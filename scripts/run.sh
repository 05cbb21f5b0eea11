#!/usr/bin/env bash
# `make run`: the production shape with demo data. Builds the app, the sandbox and the gateway,
# then runs sandbox (as Blinger, webhooks to the gateway) → gateway (--dev-login, serving the
# app) → app (scripts/gateway-stack.sh). The app opens on "Sign in as operator …"; the account
# token stays in the gateway, the browser holds only that operator's short-lived JWT, and every
# conversation shows its full history (recorded by the gateway from the sandbox's webhooks).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/build-app.sh
cp www/app-config.gateway.json dist/app-config.json
cargo build -p blinger-sandbox -p blinger-gateway --locked
exec scripts/gateway-stack.sh dist app
