#!/usr/bin/env bash
# Runs a command with the contract proxy (tools/contract-proxy.mjs) in front of the backend at
# $HOC_TEST_BACKEND, and $HOC_TEST_BACKEND pointing at the proxy instead. Fails, listing them,
# when a request or an answer did not match openapi.yaml (requests with X-Fault are not checked).
#   tools/with-backend.sh tools/with-contract-proxy.sh cargo test … --test client
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HOC_TEST_BACKEND:?run under tools/with-backend.sh, or set HOC_TEST_BACKEND}"
mkdir -p target/contract-proxy
violations=target/contract-proxy/with-proxy-$$.jsonl
log=$(mktemp)
rm -f "$violations"
node tools/contract-proxy.mjs --upstream "$HOC_TEST_BACKEND" --violations "$violations" >"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q 'listening on' "$log" && break
  sleep 0.1
done
url=$(sed -n 's/.*listening on //p' "$log" | head -n 1)
[ -n "$url" ] || { echo "the contract proxy did not start:"; cat "$log"; exit 1; }
status=0
HOC_TEST_BACKEND=$url "$@" || status=$?
if [ -s "$violations" ]; then
  echo "$(wc -l <"$violations") request(s) or answer(s) did not match openapi.yaml (contract proxy):"
  sed 's/^/  /' "$violations"
  [ "$status" != 0 ] || status=1
fi
exit "$status"
