# jiuzai — `make run` serves the demo; `make test` runs every test. Both start from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := run

FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

.PHONY: setup geodata frontend run test test-lint test-rust test-frontend test-browser test-fuzz test-deny

## setup: fetch the county polygons and build the dashboard (cached; repeated runs do nothing)
setup: geodata frontend

geodata: geodata/build/counties-gcj02.geojson

geodata/build/counties-gcj02.geojson: geodata/fetch-counties.sh geodata/extract-counties.py geodata/jiujiang_divisions.json
	geodata/fetch-counties.sh

frontend: frontend/dist/index.html

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

## run: set up, then serve the demo at http://127.0.0.1:8080 (users admin, manager, ... with password demo)
run: setup
	cargo run --release --bin jiuzai -- serve --demo

## test: format and lints, unit, contract and API tests on SQLite and PostgreSQL, frontend unit
## tests, browser tests, a bounded API fuzzing pass and the offline dependency checks
test: setup test-lint test-rust test-frontend test-browser test-fuzz test-deny

# rustfmt (rustfmt.toml) and clippy with every warning an error, on every target.
test-lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# `cargo test --workspace` also builds the jiuzai binary that the API tests start (with the
# workspace's unified features, so nothing is compiled twice).
test-rust:
	JIUZAI_REQUIRE_GEODATA=1 cargo test --workspace

test-frontend: frontend
	cd frontend && npm test

test-browser: frontend
	cargo test --workspace --no-run
	tests/browser/run.sh

# A bounded schemathesis pass (a few examples per operation, fixed seed) on both stores, every role;
# scripts/fuzz-api.sh without FUZZ_EXAMPLES runs the full one. Installs schemathesis into .venv-fuzz.
test-fuzz:
	cargo test --workspace --no-run
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3} FUZZ_PHASES=$${FUZZ_PHASES:-examples,fuzzing,stateful} scripts/fuzz-api.sh

# Licences, banned and duplicate crates, sources (deny.toml), with a pinned cargo-deny. Advisories
# need the RustSec database from GitHub, which this network cannot reach: see docs/RELIABILITY.md.
test-deny:
	scripts/deny.sh
