#!/usr/bin/env bash
# Property-based fuzzing of a backend from openapi.yaml with Schemathesis: generated valid and
# invalid requests to every operation; fails on a 5xx, or an answer whose status, media type,
# headers or body the contract does not declare.
#
#   tools/with-backend.sh tools/fuzz-contract.sh     # what `make test-fuzz` runs
#   HOC_TEST_BACKEND=https://host HOC_FUZZ_TOKEN=… HOC_FUZZ_DEPARTED=… HOC_FUZZ_HANDOVER=… \
#     tools/fuzz-contract.sh                         # any backend serving the contract at /api
#
# HOC_FUZZ_TOKEN (default admin-token) is the bearer token the requests carry. Operations on one
# departed member or handover use HOC_FUZZ_DEPARTED (default d004) and HOC_FUZZ_HANDOVER; without
# the latter, the script creates one on the reference backend's dataset as approver-token (so it
# awaits an approval the fuzzing admin may give). HOC_FUZZ_EXAMPLES (default 150) bounds the
# examples per operation and phase; HOC_FUZZ_SEED (default fixed, `random` for a new one) makes a
# failure reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HOC_TEST_BACKEND:?run under tools/with-backend.sh, or set HOC_TEST_BACKEND}"
st=target/venv/bin/schemathesis
[ -x "$st" ] || { echo "no $st: run tools/setup.sh test"; exit 1; }
export HOC_FUZZ_TOKEN=${HOC_FUZZ_TOKEN:-admin-token}
export HOC_FUZZ_DEPARTED=${HOC_FUZZ_DEPARTED:-d004}

if [ -z "${HOC_FUZZ_HANDOVER:-}" ]; then
  # The first transferable customers of the departed member (important ones among them) to an
  # eligible successor, verified with the demo code.
  HOC_FUZZ_HANDOVER=$(target/venv/bin/python - <<'PY'
import json, os, urllib.request

base = os.environ["HOC_TEST_BACKEND"] + "/api"

def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method)
    req.add_header("Authorization", "Bearer approver-token")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data, timeout=10) as r:
        return json.load(r)

departed = os.environ["HOC_FUZZ_DEPARTED"]
session = call("GET", "/session")
method = session["verification"]["methods"][0]
code = session["verification"].get("demo_code", "246810")
token = call("POST", "/session/verification", {"method": method, "code": code})["token"]
customers = call("GET", f"/departed-members/{departed}/customers?limit=200")["items"]
ids = [c["id"] for c in customers if c["transferable"]][:150]
members = call("GET", f"/members?for={departed}&limit=200")["items"]
successor = next(m["id"] for m in members if m.get("eligible"))
handover = call("POST", "/handovers", {
    "id": "fuzz-handover",
    "departed_member": departed,
    "assignments": [{"successor": successor, "customer_ids": ids, "group_ids": []}],
    "chat_history": {"scope": "none"},
    "verification_token": token,
})
print(handover["id"])
PY
  )
fi
export HOC_FUZZ_HANDOVER

seed=${HOC_FUZZ_SEED:-20261125}
[ "$seed" = random ] && seed=$RANDOM$RANDOM
echo "fuzzing $HOC_TEST_BACKEND/api (seed $seed, handover $HOC_FUZZ_HANDOVER)"
# One worker: with two, Hypothesis' lambda descriptions (ast.parse in threads) crashed on
# Python 3.11.7 ("AST constructor recursion depth mismatch"); two cores gain little anyway.
exec "$st" --config-file tools/schemathesis.toml run openapi.yaml \
  --url "$HOC_TEST_BACKEND/api" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${HOC_FUZZ_EXAMPLES:-150}" \
  --seed "$seed" \
  --workers 1 \
  --no-color
