#!/usr/bin/env bash
# One idempotent set-up step for every Makefile target (run, test, pkg, bench).
# Installs only what is missing, so a second run takes seconds:
#   - the wasm32-unknown-unknown Rust target, rustfmt and clippy
#   - wasm-bindgen-cli at exactly the wasm-bindgen version of Cargo.lock
#   - trunk 0.21.14 (0.22 needs a newer rustc)
#   - Debian's chromium, chromium-driver and firefox-esr (apt), and geckodriver (cargo)
#   - Debian's postgresql (apt): the gateway's tests start their own server from it
#   - the Node packages of e2e/ (Playwright, axe-core, binaryen's wasm-opt) via `npm ci`
# Browsers are never downloaded by npm: Playwright drives Debian's /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

want_browsers=1
want_node=1
want_postgres=1
for arg in "$@"; do
  case "$arg" in
    --no-browsers) want_browsers=0 ;;
    --no-node) want_node=0 ;;
    --no-postgres) want_postgres=0 ;;
  esac
done

# --- Rust targets and components -------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$comp"; then
    log "adding rustup component $comp"
    rustup component add "$comp"
  fi
done

# --- wasm-bindgen-cli at the Cargo.lock version ------------------------------------------------
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb_version" ]; then
  echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ] \
  || ! command -v wasm-bindgen-test-runner >/dev/null; then
  log "installing wasm-bindgen-cli $wb_version (about 2 minutes)"
  # Without --locked: the registry lacks one of its locked dependencies.
  cargo install wasm-bindgen-cli --version "=$wb_version" --force
fi

# --- trunk ---------------------------------------------------------------------------------------
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "0.21.14" ]; then
  log "installing trunk 0.21.14 (about 5 minutes)"
  cargo install trunk --version =0.21.14 --locked --force
fi

# --- browsers and drivers --------------------------------------------------------------------------
if [ "$want_browsers" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || command -v firefox >/dev/null || missing+=(firefox-esr)
  # Fonts so screenshots show emoji and non-Latin scripts as users see them.
  dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji fonts-dejavu-core)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} from Debian (about 2 minutes)"
    sudo_cmd=()
    [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  if ! command -v geckodriver >/dev/null; then
    log "installing geckodriver (about 2 minutes)"
    cargo install geckodriver --locked
  fi
fi

# --- PostgreSQL (the gateway's --db postgres:// tests run initdb + pg_ctl themselves) ------------
if [ "$want_postgres" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql from Debian (about 1 minute)"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  # The package's own cluster is not used: tell its scripts not to start services (the standard
  # policy-rc.d for containers), and judge the install by the server binaries being there, since
  # a container without an init system may fail the package's start step.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod 755 "$policy"
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    postgresql >/dev/null || log "apt-get reported a problem installing postgresql; checking the binaries"
  [ -z "$policy" ] || "${sudo_cmd[@]}" rm -f "$policy"
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null \
    || { echo "setup: PostgreSQL's initdb is missing after the install" >&2; exit 1; }
fi

# --- Node packages -----------------------------------------------------------------------------
if [ "$want_node" = 1 ]; then
  if [ ! -f e2e/node_modules/.package-lock.json ] \
    || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    log "installing the e2e Node packages (npm ci)"
    (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

log "ready (wasm-bindgen $wb_version, $(trunk --version 2>/dev/null || echo 'trunk missing'))"
