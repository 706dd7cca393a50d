#!/usr/bin/env bash
# Benchmarks the cross-programme checks (GET /api/v1/checks, docs/domain/checks.md) over N generated
# households on SQLite and on PostgreSQL with a release build. The households come from
# scripts/bench/households-csv.py with planted duplicates (in every block of BENCH_SHARED_EVERY
# rows, two share one bank account) and go in through the real bulk import
# (`jiuzai households import`, as scripts/bench-import.sh does), after the demo seed (which plants
# the demo's own findings). Damage records and an emergency grant list with planted findings are
# added in plain SQL (see GRANTS_SQL). Then the server is started and the checks are timed as admin (all
# kinds, and each kind alone), time to the last byte, median of BENCH_RUNS requests; the number
# of shared accounts found is checked against the number planted.
#
# Progress goes to stderr; the results (a Markdown table) go to stdout. Every database the script
# creates is dropped on exit. Not part of `make test`.
# Needs: cargo, psql, sqlite3, python3, curl.
#
# Knobs (environment):
#   BENCH_ROWS=1000000          households in the generated CSV
#   BENCH_SHARED_EVERY=1000     one shared bank account per this many rows (0: none)
#   BENCH_STORES="sqlite postgres"
#   BENCH_PG=postgres://postgres@127.0.0.1:5432    PostgreSQL server (trust auth)
#   BENCH_PG_ADMIN_DB=test      existing database used to create and drop the scratch databases
#   BENCH_CSV=/path/file.csv    use this file instead of generating one
#   BENCH_SKIP_BUILD=1          use the release binary as it is
#   BENCH_BIN=/path/jiuzai      benchmark this binary (implies BENCH_SKIP_BUILD=1)
#   BENCH_RUNS=3                requests per measurement (the median is reported)
#   BENCH_KEEP=1                keep the work directory (CSV, logs, SQLite file)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${BENCH_ROWS:-1000000}
EVERY=${BENCH_SHARED_EVERY:-1000}
STORES=${BENCH_STORES-sqlite postgres}
PG_BASE=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN_DB=${BENCH_PG_ADMIN_DB:-test}
RUNS=${BENCH_RUNS:-3}
BIN=${BENCH_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/jiuzai}
TAG="bench_checks_$$"

NAME=bench-checks
# shellcheck source=scripts/bench/common.sh
source scripts/bench/common.sh

CSV=${BENCH_CSV:-$WORK/households.csv}
if [[ -z ${BENCH_CSV:-} ]]; then
  log "generating $ROWS households, two sharing a bank account in every $EVERY"
  python3 scripts/bench/households-csv.py "$ROWS" "$EVERY" >"$CSV"
fi
ROWS=$(($(wc -l <"$CSV") - 1))
PLANTED=$(grep -c ',62179' "$CSV" || true)
PLANTED=$((PLANTED / 2))

# Damage records for one household in ten (emergency persons: up to 3), an emergency grant list
# (id 900000) paying them the standard (¥300 a person), one in a thousand at twice the standard,
# and one in ten thousand households granted with no damage record: plain SQL on both stores,
# as a register with grants would hold them, to give the grant checks work at this scale.
GRANTS_SQL="
INSERT INTO household_damage (event_id, household_id, house_damage, damaged_rooms, transitional_persons, crop_total_loss,
    dead, missing, has_other_home, exclusions, recorded_by, recorded_at, emergency_persons, drought_persons, injured)
SELECT 1, h.id, 'general', 1, 0, false, 0, 0, false, '[]', 'bench', '2026-12-01T00:00:00+00:00',
    CASE WHEN h.members < 3 THEN h.members ELSE 3 END, 0, 0
FROM households h
WHERE h.id % 10 = 0 AND NOT EXISTS (SELECT 1 FROM household_damage d WHERE d.event_id = 1 AND d.household_id = h.id);
INSERT INTO grant_lists (id, event_id, aid_type, area_code, status, author_id, author_name, total_fen, households,
    created_at, updated_at, source)
VALUES (900000, 1, 'emergency', '360400', 'draft', 1, 'bench', 0, 0, '2026-12-01T00:00:00+00:00',
    '2026-12-01T00:00:00+00:00', 'register');
INSERT INTO grants (list_id, event_id, aid_type, household_id, amount_fen, reason, priority, line_no, status, phase)
SELECT 900000, 1, 'emergency', h.id,
    CASE WHEN d.household_id IS NULL THEN 30000
         WHEN h.id % 1000 = 0 THEN d.emergency_persons * 60000
         ELSE d.emergency_persons * 30000 END,
    'bench', false, h.id, 'listed', 0
FROM households h LEFT JOIN household_damage d ON d.event_id = 1 AND d.household_id = h.id
WHERE ((h.id % 10 = 0 AND d.emergency_persons > 0) OR h.id % 10000 = 5)
  AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.event_id = 1 AND g.aid_type = 'emergency' AND g.household_id = h.id);
"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(t) for t in sys.argv[1:]):.2f}")' "$@"; }

RESULTS=()
for store in $STORES; do
  case $store in
    sqlite) url="sqlite://$WORK/bench.db" ;;
    postgres)
      db="${TAG}_app"
      psql -q "$PG_BASE/$PG_ADMIN_DB" -c "CREATE DATABASE $db" >/dev/null
      DATABASES+=("$db")
      url="$PG_BASE/$db"
      ;;
    *) die "unknown store $store" ;;
  esac
  log "$store: seeding the demo"
  DATABASE_URL=$url "$BIN" demo seed >"$WORK/seed-$store.log" 2>&1 || { cat "$WORK/seed-$store.log" >&2; die "seeding failed"; }
  log "$store: importing $ROWS households"
  start=$(date +%s.%N)
  DATABASE_URL=$url "$BIN" households import "$CSV" >"$WORK/import-$store.out" 2>"$WORK/import-$store.err" \
    || { tail -n 30 "$WORK/import-$store.err" >&2; die "$store import failed"; }
  import_s=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")
  log "$store: imported in ${import_s} s: $(tail -n 1 "$WORK/import-$store.out")"
  log "$store: damage records, an emergency list of their households and planted grant findings"
  if [[ $store == postgres ]]; then
    psql -q -v ON_ERROR_STOP=1 "$url" -c "$GRANTS_SQL" >/dev/null
    psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
  else
    sqlite3 "$WORK/bench.db" "$GRANTS_SQL"
  fi
  counts=$(DATABASE_URL=$url python3 - "$store" "$WORK/bench.db" "$url" <<'PY'
import subprocess, sys
store, file, url = sys.argv[1:]
sql = "SELECT (SELECT COUNT(*) FROM household_damage), (SELECT COUNT(*) FROM grants)"
if store == "postgres":
    out = subprocess.run(["psql", "-At", "-F", " ", url, "-c", sql], capture_output=True, text=True).stdout
else:
    out = subprocess.run(["sqlite3", "-separator", " ", file, sql], capture_output=True, text=True).stdout
print(out.strip())
PY
)
  log "$store: damage records and grants: $counts"
  port=$(free_port)
  DATABASE_URL=$url "$BIN" serve --addr "127.0.0.1:$port" >"$WORK/serve-$store.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done
  token=$(curl -fsS -H 'content-type: application/json' -d '{"username":"admin","password":"demo"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for kind in "" bank_shared person_in_two_households double_grant above_standard grant_without_loss stock_vs_served; do
    times=()
    for _ in $(seq 1 "$RUNS"); do
      times+=("$(curl -fsS -o "$WORK/findings.json" -w '%{time_total}' -H "authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/v1/checks?kind=$kind")")
    done
    found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/findings.json")
    if [[ $kind == bank_shared ]] && ((found < PLANTED)); then
      die "$store: $found shared accounts found, $PLANTED planted"
    fi
    RESULTS+=("| $store | ${kind:-all six} | $(median "${times[@]}") | $found | $(printf '%s ' "${times[@]}")|")
  done
  rss=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
  RESULTS+=("| $store | (server resident memory after the runs: $((rss / 1024)) MiB) | | | |")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
done

echo "### Cross-programme checks: $ROWS households ($PLANTED pairs sharing an account planted), $(date -u +%Y-%m-%d)"
echo
echo "| store | kind | seconds (median of $RUNS) | findings | every run (s) |"
echo "|---|---|---:|---:|---|"
printf '%s\n' "${RESULTS[@]}"
