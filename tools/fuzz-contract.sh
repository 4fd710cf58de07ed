#!/usr/bin/env bash
# Property-based fuzzing of a backend from openapi.yaml with Schemathesis: generated valid and
# invalid requests to every operation; fails on a 5xx, or an answer whose status, media type,
# headers or body the contract does not declare.
#
#   tools/with-backend.sh tools/fuzz-contract.sh     # what `make test-fuzz` runs
#   HOC_TEST_BACKEND=http://host:port tools/fuzz-contract.sh   # any backend serving /api
#
# HOC_FUZZ_EXAMPLES (default 60) bounds the examples per operation and phase, HOC_FUZZ_SEED
# (default fixed, `random` for a new one) makes a failure reproducible. Tokens: admin-token
# fuzzes, approver-token seeds a handover awaiting approval.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HOC_TEST_BACKEND:?run under tools/with-backend.sh, or set HOC_TEST_BACKEND}"
st=target/venv/bin/schemathesis
[ -x "$st" ] || { echo "no $st: run tools/setup.sh test"; exit 1; }

# A handover to aim /handovers/{id}/… at: created by the second admin from the first customers
# of d004 (important ones among them, so it awaits approval the fuzzing admin may give).
export HOC_FUZZ_DEPARTED=d004
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
export HOC_FUZZ_HANDOVER

seed=${HOC_FUZZ_SEED:-20261125}
[ "$seed" = random ] && seed=$RANDOM$RANDOM
echo "fuzzing $HOC_TEST_BACKEND/api (seed $seed, handover $HOC_FUZZ_HANDOVER)"
exec "$st" --config-file tools/schemathesis.toml run openapi.yaml \
  --url "$HOC_TEST_BACKEND/api" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${HOC_FUZZ_EXAMPLES:-60}" \
  --seed "$seed" \
  --workers 1 \
  --no-color
