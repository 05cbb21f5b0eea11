# blinger-inbox — every command sets up what it needs first (scripts/setup.sh, idempotent).
SHELL := bash
.DEFAULT_GOAL := help
.PHONY: help setup run test pkg demo bench app sandbox gateway clean

help:
	@echo "make run    build, start the sandbox with demo data serving the app, print the URL"
	@echo "make test   every test tier (fmt, clippy host+wasm32, native, Chrome, Firefox, e2e)"
	@echo "make pkg    build the npm package into pkg/"
	@echo "make demo   serve the script-tag embed demo (www/demo/) from the sandbox, print the URL"
	@echo "make bench  the side-by-side benchmark"
	@echo "make gateway  sandbox (as Blinger, webhooks on) + blinger-gateway with --dev-login"

setup:
	@scripts/setup.sh

run:
	@scripts/setup.sh --no-browsers --no-postgres
	@scripts/run.sh

test:
	@scripts/setup.sh
	@scripts/test.sh

pkg:
	@scripts/setup.sh --no-browsers --no-postgres
	@scripts/pkg.sh

demo:
	@scripts/setup.sh --no-browsers --no-postgres
	@scripts/demo.sh

bench:
	@scripts/setup.sh
	@scripts/bench.sh

gateway:
	@scripts/gateway-demo.sh

app:
	@scripts/build-app.sh

clean:
	cargo clean
	rm -rf dist pkg
