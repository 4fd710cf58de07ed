# Every task of the project. README names two: `make serve` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never
# Backends that tests start keep their records in memory unless a test names a database: the
# binary's own default, sqlite://handover.db in the working folder, would carry records from one
# test, and one run, into the next.
export HANDOVER_DATABASE ?= memory

.PHONY: bench bench-load bench-run bench-wizard test-size serve test setup setup-test lint lint-contract test-native test-fuzz test-browser test-e2e dist bench-size backend

## Serve the app in demo mode on http://127.0.0.1:8080
serve: setup
	trunk serve

## Run every check: format, clippy (host + wasm32), native, contract fuzzing, browser component
## and end-to-end tests (both of the latter through the contract proxy).
test: setup-test lint lint-contract test-native test-fuzz test-browser test-e2e test-size

setup:
	tools/setup.sh build

setup-test:
	tools/setup.sh test

## The REST contract must lint clean (Redocly's recommended rules).
lint-contract: setup
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true redocly lint --format=stylish openapi.yaml

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --features e2e -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --features split --lib -- -D warnings

## Plain-Rust modules, the contract suite (demo store and reference backend over HTTP, its
## records in memory, SQLite and a PostgreSQL server the tests start: `make setup-test`).
test-native:
	cargo test --workspace

## Property-based fuzzing of the reference backend from openapi.yaml (Schemathesis, ~1 min):
## no 5xx, and every answer's status, media type, headers and body as the contract declares.
test-fuzz: setup-test
	d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	  HANDOVER_DATABASE="sqlite://$$d/fuzz.db" tools/with-backend.sh tools/fuzz-contract.sh

## Component tests, and the HTTP client against the reference backend (through the contract
## proxy, which fails the run on any request or answer openapi.yaml does not allow).
test-browser:
	cargo test --target wasm32-unknown-unknown --test browser
	tools/with-backend.sh tools/with-contract-proxy.sh cargo test --target wasm32-unknown-unknown --test client

## The release build the e2e tests and benchmarks load.
dist: setup
	trunk build --release

## The release build in headless Chromium; against the reference backend, through the contract
## proxy (tests/support/backend.rs): a request or answer openapi.yaml does not allow fails the test.
test-e2e: dist
	cargo build -p handover-backend
	cargo build -p handover-backend --examples
	cargo test --features e2e --test e2e --test wizard --test run --test records --test defences --test resume --test handover_page --test firefox --test zh_tw --test embed --test split --test crash --test wecom -- --test-threads=1

## The first load against its committed budget (tests/size-budget.json): sizes are
## deterministic, so unlike the timings this is a test.
test-size: dist
	node tools/bench-size.mjs --check

## Every benchmark figure (issue 12): sizes, first load, the 20,000-customer list, memory and
## the run; each writes target/bench/*.json, then one table of figures beside their goals.
bench: bench-size bench-load bench-wizard bench-run
	node tools/bench-report.mjs

## Size benchmark: raw / gzip -9 / brotli of every file the first page loads.
bench-size: dist
	node tools/bench-size.mjs

## First-load benchmark: navigation → step 1's content visible, median of 7 → target/bench/load.json
bench-load: dist setup-test
	cargo run --features e2e --example bench-load

## Wizard benchmark: the 20,000-customer member in headless Chromium → target/bench/wizard.json
bench-wizard: dist setup-test
	cargo build --release -p handover-backend
	cargo run --features e2e --example bench-wizard

## Run benchmark: 20,000 customers, 50 ms latency, against the reference backend → target/bench/run.json
bench-run: dist setup-test
	cargo build --release -p handover-backend
	HOC_CONTRACT_PROXY=off cargo run --features e2e --example bench-run
