#!/usr/bin/env bash
# Re-planning after a new blocked zone, end to end through the API, in one run
# (docs/PERFORMANCE.md#re-planning-at-city-scale). First the demo city's emergency plan as seeded,
# then the city scale: the demo plus VILLAGES synthetic villages (imported as points), one loss
# report each in a new event, ITEMS emergency items (the catalogue's 8 and copies of them under new
# codes), depots topped up to DEPOTS active ones holding STOCK_SHARE of the emergency demand. For each: an emergency materials plan made FRESH times, then ROUNDS times a
# ~3×3 km zone drawn around its first line's area, the plan re-planned, the zone removed, re-planned
# again. Everything goes through the HTTP API as the demo users (admin imports areas; manager does
# the rest). TRUCKS=demo (default) keeps the demo depots' own trucks, so a plan that overloads them
# plans items in their loading order (docs/domain/planning.md#trucks); TRUCKS=none clears them
# first, as before depots counted trucks.
# Needs a release build (cargo build --release --bin jiuzai) and the county polygons (make geodata).
# SQLite in a scratch folder by default; DATABASE_URL=… uses that (empty) database instead, and
# BENCH_PG=postgres://postgres@127.0.0.1:5432 makes a fresh database jiuzai_bench_replan there,
# dropped at exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROUNDS="${ROUNDS:-20}" FRESH="${FRESH:-3}" VILLAGES="${VILLAGES:-2000}" DEPOTS="${DEPOTS:-100}"
export STOCK_SHARE="${STOCK_SHARE:-0.7}" WORKERS="${WORKERS:-8}" TRUCKS="${TRUCKS:-demo}" ITEMS="${ITEMS:-10}"
BIN="${JIUZAI_BIN:-$ROOT/target/release/jiuzai}"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PGDB=jiuzai_bench_replan
export PGOPTIONS="--client-min-messages=warning"  # quiet "does not exist, skipping"
if [[ -n "${BENCH_PG:-}" ]]; then
    psql -q "$BENCH_PG/postgres" -c "DROP DATABASE IF EXISTS $PGDB" -c "CREATE DATABASE $PGDB"
    DB_URL="$BENCH_PG/$PGDB"
else
    DB_URL="${DATABASE_URL:-sqlite://$WORK/jiuzai.db}"
fi
SERVER=
cleanup() {
    local status=$?
    (( status == 0 )) || { echo "server log (last lines):"; tail -15 "$WORK/server.log"; } >&2
    [[ -n "$SERVER" ]] && { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
    [[ -n "${BENCH_PG:-}" ]] && psql -q "$BENCH_PG/postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$ROOT"
DATABASE_URL="$DB_URL" "$BIN" serve --demo --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null || { tail -20 "$WORK/server.log"; exit 1; }
echo "database: ${DB_URL%%:*}"
PORT="$PORT" SERVER_PID="$SERVER" python3 - <<'PY'
import json, os, random, statistics, time, urllib.error, urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
env = os.environ
base = f"http://127.0.0.1:{env['PORT']}/api/v1"
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token: req.add_header("authorization", f"Bearer {token}")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as res:
            text = res.read()
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: {e.code} {e.read()[:600]!r}")
    return (time.perf_counter() - started) * 1000, (json.loads(text) if text else None)
def parallel(fn, jobs):
    with ThreadPoolExecutor(int(env["WORKERS"])) as pool:
        return list(pool.map(fn, jobs))
admin = call("POST", "/auth/login", {"username": "admin", "password": "demo"})[1]["token"]
manager = call("POST", "/auth/login", {"username": "manager", "password": "demo"})[1]["token"]
rng = random.Random(42)
if env["TRUCKS"] == "none":
    for depot in call("GET", "/depots", None, manager)[1]:
        call("PATCH", f"/depots/{depot['id']}", {"fleet": None}, manager)
print(f"trucks: {env['TRUCKS']}")
def p(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
def stat(xs): return f"median {statistics.median(xs):.0f} ms, p95 {p(xs, .95):.0f} ms"
def measure(label, event, request):
    fresh = []
    for _ in range(int(env["FRESH"])):
        ms, plan = call("POST", "/plans", request, manager)
        fresh.append(ms)
    lines = plan["lines"]
    areas = len({f["area_code"] for f in plan["areas"]})
    depots = len({l["depot_id"] for l in lines})
    _, area = call("GET", f"/areas/{lines[0]['area_code']}", None, manager)
    dlon, dlat = 0.0155, 0.0135  # ~1.5 km either way at 29.7° N
    ring = [[area["lon"] - dlon, area["lat"] - dlat], [area["lon"] + dlon, area["lat"] - dlat],
            [area["lon"] + dlon, area["lat"] + dlat], [area["lon"] - dlon, area["lat"] + dlat],
            [area["lon"] - dlon, area["lat"] - dlat]]
    drawn, removed, changed, changed_back, unreachable = [], [], [], [], []
    # Re-plan with no body: the handler reads none, and a body left unread on a `Connection: close`
    # request made the server reset the socket mid-answer now and then (multi-MB answers, ~1 in 10).
    for _ in range(int(env["ROUNDS"])):
        _, zone = call("POST", f"/events/{event}/blockages",
                       {"name": "bench", "geometry": {"type": "Polygon", "coordinates": [ring]}}, manager)
        ms, answer = call("POST", f"/plans/{plan['id']}/replan", None, manager)
        drawn.append(ms); changed.append(len(answer["changes"]))
        unreachable.append(answer["after"]["totals"]["unreachable_areas"])
        call("DELETE", f"/events/{event}/blockages/{zone['id']}", None, manager)
        ms, answer = call("POST", f"/plans/{plan['id']}/replan", None, manager)
        removed.append(ms); changed_back.append(len(answer["changes"]))
    totals = plan["totals"]
    print(f"{label}: {depots} depots in the plan's lines, {areas} demand areas, "
          f"{len(lines)} lines over {len({l['item'] for l in lines})} emergency items; "
          f"fill {totals['allocated']}/{totals['demand']}, {totals['unreachable_areas']} areas unreachable; {len(drawn)} rounds")
    print(f"  new plan from scratch: {stat(fresh)} ({len(fresh)} plans)")
    print(f"  re-plan after a zone is drawn: {stat(drawn)} ({statistics.median(changed):.0f} lines change, "
          f"{statistics.median(unreachable):.0f} areas unreachable)")
    print(f"  re-plan after it is removed: {stat(removed)} ({statistics.median(changed_back):.0f} lines change)")
measure("demo city", 1, {"event_id": 1, "aid_type": "emergency", "kind": "materials"})
seed_started = time.perf_counter()

# The city's emergency items: the catalogue's, and copies of them under new codes up to ITEMS.
catalogue = [i for i in call("GET", "/items", None, manager)[1] if "emergency" in i["norms"]]
for n in range(max(0, int(env["ITEMS"]) - len(catalogue))):
    model = catalogue[n % len(catalogue)]
    call("POST", "/items", {**model, "code": f"bench-{n + 1}-{model['code']}", "name_zh": f"{model['name_zh']}（基准）",
                            "name_en": f"{model['name_en']} (bench)"}, admin)

# Villages: points jittered around their township's point, kept inside the township's county polygon
# (WGS84, from the map layer) so that every village lies on the travel grid.
def inside(lon, lat, multipolygon):
    hit = False
    for polygon in multipolygon:
        for ring in polygon:  # even-odd over every ring, so holes count as outside
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    hit = not hit
    return hit
counties = {f["properties"]["code"]: f["geometry"]["coordinates"]
            for f in call("GET", "/map/areas.geojson?level=county", None, manager)[1]["features"]}
townships = sorted(call("GET", "/areas?level=township", None, manager)[1], key=lambda t: t["code"])
def jitter(t, d):
    for _ in range(50):
        lon, lat = t["lon"] + rng.uniform(-d, d), t["lat"] + rng.uniform(-d, d)
        if inside(lon, lat, counties[t["parent_code"]]):
            return round(lon, 6), round(lat, 6)
    return t["lon"], t["lat"]
per_township = -(-int(env["VILLAGES"]) // len(townships))
# 53 townships have no point of their own (their county's centre stands in): spread theirs county-wide.
villages = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": jitter(t, 0.15 if t["point_approximate"] else 0.03)},
             "properties": {"code": f"{t['code']}{200 + i:03d}", "name": f"{t['name']}测试村{i + 1}",
                            "level": "village", "parent_code": t["code"], "population": rng.randint(800, 3000)}}
            for t in townships for i in range(per_township)][: int(env["VILLAGES"])]
ms, imported = call("POST", "/areas/import", {"type": "FeatureCollection", "features": villages}, admin)
print(f"seed: {imported['imported']} villages imported in {ms / 1000:.1f} s (admin, POST /areas/import)")

# A new event over every county, and one initial report per village with consistent figures.
t0 = time.perf_counter()
onset = (datetime.now(timezone.utc) - timedelta(hours=2)).isoformat()
event = call("POST", "/events", {"name": "城市规模重新规划基准（虚构）", "hazard": "flood", "onset_at": onset,
                                 "affected_areas": sorted(counties)}, manager)[1]["id"]
def figures():  # drawn here, not in the threads, so every run files the same figures
    affected = rng.randint(200, 1500); relocated = affected * rng.randint(20, 40) // 100
    central = relocated * rng.randint(10, 40) // 100
    return {"affected": affected, "relocated": relocated, "relocated_central": central,
            "relocated_dispersed": relocated - central, "needing_emergency_aid": relocated * 8 // 10}
reports = [{"area_code": v["properties"]["code"], "stage": "initial", "indicators": figures()} for v in villages]
parallel(lambda r: call("POST", f"/events/{event}/reports", r, manager), reports)
print(f"seed: event {event}, {len(villages)} loss reports in {time.perf_counter() - t0:.1f} s (manager, POST /events/{{id}}/reports)")

# Depots: the demo's, plus new township depots spread evenly over the townships up to DEPOTS. A
# township has no response level of its own, so plans keep the reserve floor (30 %) of their stock.
t0 = time.perf_counter()
existing = [d["id"] for d in call("GET", "/depots", None, manager)[1] if d["status"] == "active"]
new_count = max(0, int(env["DEPOTS"]) - len(existing))
sites = [townships[i * len(townships) // new_count] for i in range(new_count)]
bodies = [{"name": f"基准测试储备库{i + 1:03d}", "tier": "township", "area_code": t["code"], "capacity_m3": 5000,
           **dict(zip(("lon", "lat"), jitter(t, 0.01)))} for i, t in enumerate(sites)]
new_depots = parallel(lambda b: call("POST", "/depots", b, manager)[1]["id"], bodies)
request = {"event_id": event, "aid_type": "emergency", "kind": "materials"}
# A first plan, before the new depots hold anything, to read the demand per item (and build the grid).
cold_ms, probe = call("POST", "/plans", request, manager)
demand = defaultdict(int)
for fill in probe["areas"]:
    demand[fill["item"]] += fill["demand"]
held = defaultdict(int)
for stock in parallel(lambda d: call("GET", f"/depots/{d}/stock", None, manager)[1], existing):
    for line in stock:
        held[line["item"]] += line["available"]
weights = [rng.uniform(0.5, 1.5) for _ in new_depots]
receipts = [(d, item, int(max(0, float(env["STOCK_SHARE"]) * demand[item] - held[item]) * w / sum(weights)))
            for d, w in zip(new_depots, weights) for item in sorted(demand)]
parallel(lambda r: call("POST", f"/depots/{r[0]}/movements", {"kind": "receipt", "item": r[1], "quantity": r[2],
                                                              "source": "procured"}, manager),
         [r for r in receipts if r[2] > 0])
supply = {i: held[i] + sum(q for _, item, q in receipts if item == i) for i in demand}
print(f"seed: {new_count} depots + {len(receipts)} receipts in {time.perf_counter() - t0:.1f} s "
      f"(manager, POST /depots, /depots/{{id}}/movements); first plan {cold_ms:.0f} ms")
print(f"seed: done in {time.perf_counter() - seed_started:.1f} s; stock/demand per item: "
      + ", ".join(f"{i} {supply[i]}/{demand[i]}" for i in sorted(demand)))

measure("city", event, request)
with open(f"/proc/{env['SERVER_PID']}/status") as f:
    mem = dict(l.split(":", 1) for l in f if l.startswith(("VmHWM", "VmRSS")))
print(f"server memory: peak {mem['VmHWM'].strip()}, now {mem['VmRSS'].strip()}")
PY
