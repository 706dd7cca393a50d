#!/usr/bin/env bash
# Re-planning after a new blocked zone, end to end through the API (docs/PERFORMANCE.md#re-planning):
# the demo city's emergency plan (every emergency item), a zone drawn across the township of its first
# line and removed again, ROUNDS times each; every re-plan timed, beside making a new plan from scratch
# in the same run. Needs a release build (cargo build --release --bin jiuzai); SQLite in a scratch folder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-20}"
BIN="${JIUZAI_BIN:-$ROOT/target/release/jiuzai}"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cd "$ROOT"
DATABASE_URL="sqlite://$WORK/jiuzai.db" "$BIN" serve --demo --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
ROUNDS="$ROUNDS" PORT="$PORT" python3 - <<'PY'
import json, os, statistics, time, urllib.request
base = f"http://127.0.0.1:{os.environ['PORT']}/api/v1"
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token: req.add_header("authorization", f"Bearer {token}")
    started = time.perf_counter()
    with urllib.request.urlopen(req) as res:
        text = res.read()
    return (time.perf_counter() - started) * 1000, (json.loads(text) if text else None)
_, login = call("POST", "/auth/login", {"username": "manager", "password": "demo"})
token = login["token"]
request = {"event_id": 1, "aid_type": "emergency", "kind": "materials"}
fresh = []
for _ in range(5):
    ms, plan = call("POST", "/plans", request, token)
    fresh.append(ms)
lines = len(plan["lines"]); items = len({l["item"] for l in plan["lines"]})
_, area = call("GET", f"/areas/{plan['lines'][0]['area_code']}", None, token)
d = 0.03
ring = [[area["lon"] - d, area["lat"] - d], [area["lon"] + d, area["lat"] - d], [area["lon"] + d, area["lat"] + d], [area["lon"] - d, area["lat"] + d], [area["lon"] - d, area["lat"] - d]]
drawn, removed, changed = [], [], []
for _ in range(int(os.environ["ROUNDS"])):
    _, zone = call("POST", "/events/1/blockages", {"name": "bench", "geometry": {"type": "Polygon", "coordinates": [ring]}}, token)
    ms, answer = call("POST", f"/plans/{plan['id']}/replan", {}, token)
    drawn.append(ms); changed.append(len(answer["changes"]))
    call("DELETE", f"/events/1/blockages/{zone['id']}", None, token)
    ms, _ = call("POST", f"/plans/{plan['id']}/replan", {}, token)
    removed.append(ms)
def p(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
print(f"demo city: {lines} lines over {items} items; {len(drawn)} rounds")
print(f"new plan from scratch: median {statistics.median(fresh):.0f} ms, p95 {p(fresh, .95):.0f} ms")
print(f"re-plan after a zone is drawn: median {statistics.median(drawn):.0f} ms, p95 {p(drawn, .95):.0f} ms ({statistics.median(changed):.0f} lines change)")
print(f"re-plan after it is removed: median {statistics.median(removed):.0f} ms, p95 {p(removed, .95):.0f} ms")
PY
