#!/usr/bin/env bash
# Benchmarks the household import (`jiuzai households import`, the CLI entry point that the HTTP
# endpoint shares) of N generated households on SQLite and on PostgreSQL with a release build, next
# to `psql \copy` of the same CSV into a plain table with the file's columns (the baseline) and
# SQLite's `.import` of it, and to each database's floor for this import: the rows as the import
# stored them (hashed, masked, encrypted) written into the households table itself, by `psql \copy`
# on PostgreSQL and `sqlite3 .import` on SQLite. Then
# times the H3 hexagon aggregation of the imported households (GET /api/v1/households/hexagons,
# server time) and a registrar's searches (GET /api/v1/households) on each store.
#
# Progress goes to stderr; the results (a Markdown table) go to stdout. Wall time and peak RSS come
# from /usr/bin/time -v. Every database the script creates is dropped on exit.
# Needs: cargo, psql, sqlite3, python3, curl, /usr/bin/time (apt-get install -y time).
#
# Knobs (environment):
#   BENCH_ROWS=1000000        households in the generated CSV
#   BENCH_STORES="sqlite postgres"
#   BENCH_PG=postgres://postgres@127.0.0.1:5432    PostgreSQL server (trust auth)
#   BENCH_PG_ADMIN_DB=test    existing database used to create and drop the scratch databases
#   BENCH_CSV=/path/file.csv  use this file instead of generating one
#   BENCH_SKIP_BUILD=1        use the release binary as it is
#   BENCH_BIN=/path/jiuzai    benchmark this binary (implies BENCH_SKIP_BUILD=1)
#   BENCH_HEX_RUNS=5          requests of the hexagon layer and of each search per store (the median is reported)
#   BENCH_KEEP=1              keep the work directory (CSV, logs, SQLite files)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=${BENCH_ROWS:-1000000}
STORES=${BENCH_STORES-sqlite postgres}
PG_BASE=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN_DB=${BENCH_PG_ADMIN_DB:-test}
HEX_RUNS=${BENCH_HEX_RUNS:-5}
BIN=${BENCH_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/jiuzai}
TAG="bench_import_$$"

NAME=bench-import
# shellcheck source=scripts/bench/common.sh
source scripts/bench/common.sh
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (apt-get install -y time)"

CSV=${BENCH_CSV:-$WORK/households.csv}
if [[ -z ${BENCH_CSV:-} ]]; then
  log "generating $ROWS households"
  python3 scripts/bench/households-csv.py "$ROWS" >"$CSV"
fi
ROWS=$(($(wc -l <"$CSV") - 1))
SIZE_MB=$(du -m "$CSV" | cut -f1)

# "time -v" output → "seconds peak_rss_MiB"
measured() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1).split(":")
seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
print(f"{seconds:.1f} {rss:.0f}")
PY
}

RESULTS=()
row() { # store what seconds rss
  local rate
  rate=$(python3 -c "print(f'{$ROWS / $3:,.0f}')")
  RESULTS+=("| $1 | $2 | $3 | $rate | $4 |")
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The searches a registrar runs, as `label|query` for GET /api/v1/households, from the CSV's first
# row (its ID number, township, county and name).
searches() {
  python3 - "$CSV" <<'PY'
import csv, sys
row = next(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
area = row["area_code"]
print(f"an ID number|id_number={row['head_id_number']}")
print(f"a village with no households|area_code={area}999")
print(f"a township (page of 50 and count)|area_code={area}")
print(f"a county|area_code={area[:6]}")
print(f"低保 households of a county|area_code={area[:6]}&household_type=dibao")
print("低保 households of the city|household_type=dibao")
print(f"part of a name (substring, no index)|q={row['head_name'][:2]}")
PY
}

# Median server time of the hexagon layer over the whole city (admin), in ms, then of each search
# (appended to SEARCH as "label|store|ms").
reads() { # store database_url
  local store=$1 port token times line label query
  port=$(free_port)
  DATABASE_URL=$2 "$BIN" serve --addr "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done
  token=$(curl -fsS -H 'content-type: application/json' -d '{"username":"admin","password":"demo"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(t) for t in sys.argv[1:]) * 1000:.0f}")' "$@"; }
  while IFS='|' read -r label query; do
    times=()
    for _ in $(seq 1 "$HEX_RUNS"); do
      times+=("$(curl -fsS -o /dev/null -w '%{time_starttransfer}' -H "authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/v1/households?$query")")
    done
    SEARCH+=("$label|$store|$(median "${times[@]}")")
  done < <(searches)
  times=()
  for _ in $(seq 1 "$HEX_RUNS"); do
    times+=("$(curl -fsS -o "$WORK/hexagons.json" -w '%{time_starttransfer}' -H "authorization: Bearer $token" \
      "http://127.0.0.1:$port/api/v1/households/hexagons?event_id=1")")
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  python3 - "$WORK/hexagons.json" "$(median "${times[@]}")" <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["features"]
households = sum(f["properties"]["households"] for f in cells)
print(f"{sys.argv[2]} ms for {len(cells):,} cells of {households:,} households")
PY
}

HEX=()
SEARCH=()
for store in $STORES; do
  case $store in
    sqlite) url="sqlite://$WORK/bench.db" ;;
    postgres)
      db="${TAG}_app"
      psql -q "$PG_BASE/$PG_ADMIN_DB" -c "CREATE DATABASE $db" >/dev/null
      DATABASES+=("$db")
      url="$PG_BASE/$db"
      SEALED_FROM=$url
      ;;
    *) die "unknown store $store" ;;
  esac
  log "$store: seeding the demo (areas, users, demo households)"
  DATABASE_URL=$url "$BIN" demo seed >"$WORK/seed-$store.log" 2>&1 || { cat "$WORK/seed-$store.log" >&2; die "seeding failed"; }
  log "$store: importing $ROWS households"
  DATABASE_URL=$url /usr/bin/time -v "$BIN" households import "$CSV" >"$WORK/import-$store.out" 2>"$WORK/import-$store.time" \
    || { tail -n 30 "$WORK/import-$store.time" >&2; die "$store import failed"; }
  cat "$WORK/import-$store.out" >&2
  read -r seconds rss < <(measured "$WORK/import-$store.time")
  row "$store" "jiuzai households import (all or nothing)" "$seconds" "$rss"
  if [[ $store == postgres ]]; then
    # What autovacuum does within a minute of a large import: the visibility map lets the counts
    # read the area index alone, and fresh statistics keep the planner off the whole table.
    psql -q "$url" -c "VACUUM ANALYZE households" >/dev/null
  fi
  log "$store: hexagon layer and searches"
  reads "$store" "$url" >"$WORK/hexagons.txt"
  HEX+=("- $store: $(cat "$WORK/hexagons.txt")")
done

log "baseline: psql \\copy into a plain table"
db="${TAG}_plain"
psql -q "$PG_BASE/$PG_ADMIN_DB" -c "CREATE DATABASE $db" >/dev/null
DATABASES+=("$db")
PLAIN="CREATE TABLE households_plain (head_name TEXT, head_id_number TEXT, members BIGINT, area_code TEXT, address TEXT,
  household_type TEXT, programmes TEXT, bank_account TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION)"
psql -q "$PG_BASE/$db" -c "$PLAIN" >/dev/null
/usr/bin/time -v psql -q "$PG_BASE/$db" -c "\\copy households_plain FROM '$CSV' WITH (FORMAT csv, HEADER true)" \
  >/dev/null 2>"$WORK/copy.time"
read -r seconds rss < <(measured "$WORK/copy.time")
row postgres "psql \\copy into a plain table (baseline)" "$seconds" "$rss (psql)"

# The columns of a stored household (all but its id): what the floors below copy.
STORED="head_name, name_masked, id_hash, id_masked, id_encrypted, members, member_list, address, area_code, lon, lat, cell,
  household_type, programmes, bank_masked, bank_encrypted, created_at, updated_at"

# The database's own floor: psql \copy of the rows the import stored (hashed, masked, encrypted,
# about three times the CSV) into the real households table, with its indexes and checks.
if [[ -n ${SEALED_FROM:-} ]]; then
  log "floor: psql \\copy of the stored rows into the households table"
  psql -q "$SEALED_FROM" -c "\\copy (SELECT $STORED FROM households) TO '$WORK/sealed.csv' WITH (FORMAT csv)"
  db="${TAG}_floor"
  psql -q "$PG_BASE/$PG_ADMIN_DB" -c "CREATE DATABASE $db" >/dev/null
  DATABASES+=("$db")
  DATABASE_URL="$PG_BASE/$db" "$BIN" demo seed >"$WORK/seed-floor.log" 2>&1 || { cat "$WORK/seed-floor.log" >&2; die "seeding failed"; }
  psql -q "$PG_BASE/$db" -c "TRUNCATE households, household_cells CASCADE" -c "CHECKPOINT" >/dev/null 2>&1
  /usr/bin/time -v psql -q "$PG_BASE/$db" -c "\\copy households ($STORED) FROM '$WORK/sealed.csv' WITH (FORMAT csv)" \
    >/dev/null 2>"$WORK/floor.time"
  read -r seconds rss < <(measured "$WORK/floor.time")
  row postgres "psql \\copy of the stored rows ($(du -m "$WORK/sealed.csv" | cut -f1) MB) into the households table (the database's floor)" "$seconds" "$rss (psql)"
fi

# SQLite's floor: `sqlite3 .import` (its own bulk loader, one prepared INSERT per row in one
# transaction, as \copy is PostgreSQL's) of the rows the import stored, id included, into the
# households table of a freshly seeded database, with the server writer's settings during an import
# (journal, synchronous, foreign keys, and the page cache of `import_cache` in
# backend/src/households/store.rs). `.import`
# has no NULL: the unlocated households' empty coordinates load as empty strings. Next to it, the
# same rows copied by SQLite itself from the imported database (INSERT … SELECT, no file at all).
if [[ " $STORES " == *" sqlite "* ]]; then
  sqlite3 "$WORK/bench.db" ".mode csv" ".once '$WORK/stored.csv'" "SELECT * FROM households"
  settings=("PRAGMA foreign_keys = ON" "PRAGMA synchronous = FULL" "PRAGMA cache_size = -65536")
  fresh_floor() {
    rm -f "$WORK"/floor.db*
    DATABASE_URL="sqlite://$WORK/floor.db" "$BIN" demo seed >"$WORK/seed-floor-sqlite.log" 2>&1 \
      || { cat "$WORK/seed-floor-sqlite.log" >&2; die "seeding failed"; }
    sqlite3 "$WORK/floor.db" "DELETE FROM household_cells" "DELETE FROM households" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  }
  log "floor: sqlite3 .import of the stored rows into the households table"
  fresh_floor
  /usr/bin/time -v sqlite3 "$WORK/floor.db" "${settings[@]}" ".mode csv" ".import '$WORK/stored.csv' households" \
    >/dev/null 2>"$WORK/sqlite-floor.time"
  read -r seconds rss < <(measured "$WORK/sqlite-floor.time")
  row sqlite "sqlite3 .import of the stored rows ($(du -m "$WORK/stored.csv" | cut -f1) MB) into the households table (the database's floor)" "$seconds" "$rss (sqlite3)"
  log "SQLite copying the stored rows from the imported database"
  fresh_floor
  /usr/bin/time -v sqlite3 "$WORK/floor.db" "${settings[@]}" "ATTACH '$WORK/bench.db' AS imported" \
    "INSERT INTO households ($STORED) SELECT $STORED FROM imported.households" >/dev/null 2>"$WORK/sqlite-copy.time"
  read -r seconds rss < <(measured "$WORK/sqlite-copy.time")
  row sqlite "the stored rows copied by SQLite from the imported database (INSERT … SELECT, no file)" "$seconds" "$rss (sqlite3)"
fi

log "baseline: sqlite3 .import into a plain table"
sqlite3 "$WORK/plain.db" "$PLAIN"
/usr/bin/time -v sqlite3 "$WORK/plain.db" ".mode csv" ".import --skip 1 '$CSV' households_plain" 2>"$WORK/sqlite-import.time"
read -r seconds rss < <(measured "$WORK/sqlite-import.time")
row sqlite "sqlite3 .import into a plain table (baseline)" "$seconds" "$rss"

echo "### Household import: $ROWS rows ($SIZE_MB MB CSV), $(date -u +%Y-%m-%d)"
echo
echo "| store | what | seconds | rows/s | peak RSS (MiB) |"
echo "|---|---|---:|---:|---:|"
printf '%s\n' "${RESULTS[@]}"
echo
echo "Hexagon layer of the whole city after the import (GET /api/v1/households/hexagons, median of $HEX_RUNS, time to first byte):"
echo
printf '%s\n' "${HEX[@]}"
echo
echo "Household searches after the import (GET /api/v1/households as admin: a page of 50 and the total; median of $HEX_RUNS, ms):"
echo
python3 - "$STORES" "${SEARCH[@]}" <<'PY'
import sys
stores = sys.argv[1].split()
times = {}
for entry in sys.argv[2:]:
    label, store, ms = entry.split("|")
    times.setdefault(label, {})[store] = ms
print("| search | " + " | ".join(stores) + " |")
print("|---|" + "---:|" * len(stores))
for label, by_store in times.items():
    print(f"| {label} | " + " | ".join(by_store.get(s, "") for s in stores) + " |")
PY
