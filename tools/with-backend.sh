#!/usr/bin/env bash
# Runs a command with the reference backend on a free loopback port, its URL in
# $HOC_TEST_BACKEND (CORS open, per-request X-Fault honoured). Stops the backend afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p handover-backend
log=$(mktemp)
target/debug/handover-backend --addr 127.0.0.1:0 --cors-origin '*' --fault-header >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q 'listening on' "$log" && break
  sleep 0.1
done
HOC_TEST_BACKEND=$(sed -n 's/.*listening on //p' "$log" | head -n 1)
[ -n "$HOC_TEST_BACKEND" ] || { echo "backend did not start:"; cat "$log"; exit 1; }
export HOC_TEST_BACKEND
"$@"
