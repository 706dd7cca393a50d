#!/usr/bin/env bash
# Benchmarks the stock write path (POST /api/v1/depots/{id}/movements, kind=issue) and the hot stock
# read (GET /api/v1/depots/1/stock) on SQLite and on PostgreSQL with wrk, and measures pgbench TPS
# for a comparable one-row guarded UPDATE + ledger INSERT transaction on the same PostgreSQL server.
# As diagnostics it also replays, with pgbench, the SQL one issue movement sends (its one
# transaction), and records the CPU each process used per request.
#
#   scripts/bench-stock.sh            # builds the release binary, runs everything, prints Markdown
#
# Progress goes to stderr; the results (Markdown tables) go to stdout. Every server and database the
# script creates is removed on exit (also on Ctrl-C). Takes about 3 minutes plus up to
# BENCH_QUIET_WAIT seconds of waiting before each of the 8 measured runs when the machine is busy.
# Needs: cargo, curl, jq, wrk (apt-get install -y wrk), psql and pgbench, python3 (free port).
#
# Knobs (environment):
#   BENCH_DURATION=20        seconds of each measured write run (wrk -d, pgbench -T)
#   BENCH_READ_DURATION=10   seconds of each read run
#   BENCH_WARMUP=3           seconds of unmeasured writes before each measured write run
#   BENCH_CONNECTIONS=64     wrk -c and pgbench -c (the replays use the server's pool size)
#   BENCH_THREADS=2          wrk -t and pgbench -j
#   BENCH_STORES="sqlite postgres"
#   BENCH_ITEMS="quilt blanket towel-quilt folding-bed"   items issued (in every depot)
#   BENCH_PG=postgres://postgres@127.0.0.1:5432           PostgreSQL server (trust auth)
#   BENCH_PG_ADMIN_DB=test   existing database used to create and drop the scratch databases
#   BENCH_QUIET_WAIT=120     seconds to wait, before each run, for other processes to calm down
#   BENCH_QUIET_LIMIT=15     ... until the machine is at most this % busy
#   BENCH_APP_SQL=0          skip the SQL replays
#   BENCH_SKIP_BUILD=1       use target/release/jiuzai as it is
#   BENCH_BIN=/path/jiuzai   benchmark this binary instead (implies BENCH_SKIP_BUILD=1)
#   BENCH_KEEP=1             keep the work directory (server logs, wrk output, pgbench logs)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-20}
READ_DURATION=${BENCH_READ_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
STORES=${BENCH_STORES-sqlite postgres}
ITEMS=${BENCH_ITEMS:-quilt blanket towel-quilt folding-bed}
PG_BASE=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN_DB=${BENCH_PG_ADMIN_DB:-test}
BIN=${BENCH_BIN:-$ROOT/target/release/jiuzai}
LUA="$ROOT/scripts/bench/wrk-stock.lua"
PRIME_QUANTITY=10000000
TAG="bench_$$_$(date +%s)"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in curl jq wrk psql pgbench python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
[[ -f $LUA ]] || die "missing $LUA"

WORK=$(mktemp -d "/tmp/jiuzai-bench.XXXXXX")
# shellcheck source=scripts/lib/server.sh
source "$ROOT/scripts/lib/server.sh"
# shellcheck source=scripts/lib/quiet.sh
source "$ROOT/scripts/lib/quiet.sh"

cleanup() {
  local status=$?
  server_cleanup
  if [[ ${BENCH_KEEP:-0} == 1 || $status -ne 0 ]]; then
    log "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- CPU accounting (clock ticks) -----------------------------------------------------------------
pid_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# PostgreSQL processes serving the benchmark: client backends of database $1 plus the server's
# auxiliary processes (WAL writer, checkpointer, ...), so other users of the server are not counted.
postgres_pids() {
  psql_admin -c "SELECT pid FROM pg_stat_activity WHERE datname = '$1' OR backend_type <> 'client backend'"
}
ticks_of() { # pids... -> summed utime + stime
  local total=0 pid
  for pid in "$@"; do total=$((total + $(pid_ticks "$pid"))); done
  echo "$total"
}
xact_commits() { psql_admin -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'"; }

HZ=$(getconf CLK_TCK)
NPROC=$(nproc)

# --- build ----------------------------------------------------------------------------------------
if [[ ${BENCH_SKIP_BUILD:-0} != 1 && -z ${BENCH_BIN:-} ]]; then
  log "cargo build --release --bin jiuzai"
  timeout 3600 cargo build --release --bin jiuzai >&2 || die "release build failed"
fi
[[ -x $BIN ]] || die "$BIN is missing (build it or unset BENCH_SKIP_BUILD)"

# --- server (scripts/lib/server.sh) ----------------------------------------------------------------
TOKEN=""

TARGETS=""
prime_stock() { # receives PRIME_QUANTITY of every item in every depot the manager may operate
  local depots depot item
  depots=$(api GET /api/v1/depots | jq -r '.[].id' | sort -n)
  [[ -n $depots ]] || die "no depots"
  TARGETS=""
  for depot in $depots; do
    for item in $ITEMS; do
      api POST "/api/v1/depots/$depot/movements" \
        "{\"kind\":\"receipt\",\"item\":\"$item\",\"quantity\":$PRIME_QUANTITY,\"lot\":\"BENCH\",\"source\":\"procured\"}" \
        >/dev/null || die "priming $item in depot $depot failed"
      TARGETS+="$depot:$item "
    done
  done
  TARGETS=${TARGETS% }
}

on_hand_total() { # sum of on_hand over TARGETS, read through the API
  local total=0 depot items_json value
  for depot in $(tr ' ' '\n' <<<"$TARGETS" | cut -d: -f1 | sort -un); do
    items_json=$(printf '%s\n' $ITEMS | jq -R . | jq -sc .)
    value=$(api GET "/api/v1/depots/$depot/stock" |
      jq --argjson items "$items_json" '[.[] | select(.item as $i | $items | index($i)) | .on_hand] | add // 0')
    total=$((total + value))
  done
  echo "$total"
}

# Runs wrk; leaves the "BENCH key=value ..." line in WRK_LINE.
WRK_LINE=""
WRK_CPU=0
run_wrk() { # mode seconds label
  local mode=$1 seconds=$2 label=$3 out TIMEFORMAT='%U %S'
  out="$WORK/wrk-$label.txt"
  { time BENCH_MODE=$mode BENCH_TOKEN=$TOKEN BENCH_TARGETS=$TARGETS \
    timeout $((seconds + 60)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${seconds}s" --timeout 30s --latency \
    -s "$LUA" "$BASE" >"$out" 2>&1 ; } 2>"$out.cpu" || { cat "$out" >&2; die "wrk failed ($label)"; }
  WRK_LINE=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "wrk printed no summary ($label)"; }
  WRK_CPU=$(awk '{ printf "%.2f", $1 + $2 }' "$out.cpu")
}
field() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# Results: one Markdown row per line.
ROWS=()
CPU_ROWS=()
WRITE_TPS=()   # "store tps p99_ms"
PGBENCH_TPS=""

add_row() { # store workload line
  local store=$1 workload=$2 line=$3 requests duration non2xx errors tps p50 p90 p99 max
  requests=$(field requests "$line"); duration=$(field duration_us "$line")
  non2xx=$(field non2xx "$line")
  errors=$(( $(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field timeout "$line") ))
  tps=$(awk -v r="$requests" -v n="$non2xx" -v d="$duration" 'BEGIN { printf "%.0f", (r - n) / (d / 1e6) }')
  p50=$(awk -v v="$(field p50_us "$line")" 'BEGIN { printf "%.1f", v / 1000 }')
  p90=$(awk -v v="$(field p90_us "$line")" 'BEGIN { printf "%.1f", v / 1000 }')
  p99=$(awk -v v="$(field p99_us "$line")" 'BEGIN { printf "%.1f", v / 1000 }')
  max=$(awk -v v="$(field max_us "$line")" 'BEGIN { printf "%.1f", v / 1000 }')
  ROWS+=("| $store | $workload | $CONNECTIONS | $(awk -v d="$duration" 'BEGIN { printf "%.0f", d / 1e6 }') s | $requests | $non2xx / $errors | **$tps** | $p50 | $p90 | **$p99** | $max |")
  LAST_TPS=$tps; LAST_P99=$p99
}

# CPU accounting around one measured run: measure_begin and measure_end bracket it.
PG_DB=""
postmaster_pid() {
  local dir
  dir=$(psql_admin -c 'SHOW data_directory' 2>/dev/null) || return 0
  head -1 "$dir/postmaster.pid" 2>/dev/null || true
}
all_postgres_ticks() { # postmaster with its reaped children, plus its live children
  local pm total child
  pm=$(postmaster_pid)
  [[ -n $pm && -r /proc/$pm/stat ]] || { echo 0; return; }
  total=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")
  for child in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do total=$((total + $(pid_ticks "$child"))); done
  echo "$total"
}
declare -A PG_START=()
# Records the CPU ticks of the PostgreSQL processes to count (PG_DB's backends and the auxiliary
# processes, listed afresh; without PG_DB, the postmaster with all its children; PG_DB=none: nothing).
pg_ticks_begin() {
  local pid
  PG_START=()
  if [[ $PG_DB == none ]]; then
    return 0
  elif [[ -n $PG_DB ]]; then
    for pid in $(postgres_pids "$PG_DB"); do PG_START[$pid]=$(pid_ticks "$pid"); done
  else
    PG_START[all]=$(all_postgres_ticks)
  fi
}
pg_ticks_delta() { # ticks used since pg_ticks_begin by the processes it recorded (exited ones: not counted)
  local total=0 key now
  for key in "${!PG_START[@]}"; do
    if [[ $key == all ]]; then now=$(all_postgres_ticks); else now=$(pid_ticks "$key"); fi
    if (( now >= PG_START[$key] )); then total=$((total + now - PG_START[$key])); fi
  done
  echo "$total"
}
M_BUSY=0 M_ALL=0 M_SRV=0 M_XACT=0
measure_begin() {
  read -r M_BUSY M_ALL < <(cpu_busy_total)
  M_SRV=0; if [[ -n $SERVER_PID ]]; then M_SRV=$(pid_ticks "$SERVER_PID"); fi
  pg_ticks_begin
  M_XACT=0; if [[ -n $CURRENT_DB ]]; then M_XACT=$(xact_commits "$CURRENT_DB"); fi
}
measure_end() { # label completed client_cpu_seconds client_name
  local label=$1 completed=$2 client_cpu=$3 client=$4 busy all srv=0 pg xact="" wall
  read -r busy all < <(cpu_busy_total)
  if [[ -n $SERVER_PID ]]; then srv=$(( $(pid_ticks "$SERVER_PID") - M_SRV )); fi
  # PostgreSQL publishes transaction counts with a short delay, and the postmaster reaps exited
  # backends (whose CPU time then shows in its children's times) a moment after they exit.
  if [[ $PG_DB != none ]]; then sleep 1.5; fi
  pg=$(pg_ticks_delta)
  if [[ -n $CURRENT_DB ]]; then
    xact=$(awk -v x=$(( $(xact_commits "$CURRENT_DB") - M_XACT )) -v n="$completed" 'BEGIN { printf "%.1f", x / n }')
  fi
  wall=$(awk -v a=$((all - M_ALL)) -v hz="$HZ" -v n="$NPROC" 'BEGIN { print a / hz / n }') # seconds
  CPU_ROWS+=("$(awk -v label="$label" -v q="$QUIET" -v n="$NPROC" -v hz="$HZ" -v w="$wall" \
    -v busy=$((busy - M_BUSY)) -v srv="$srv" -v pg="$pg" -v cl="$client_cpu" -v client="$client" \
    -v done="$completed" -v xact="$xact" -v nopg="$([[ $PG_DB == none ]] && echo 1 || echo 0)" 'BEGIN {
      m = 100 * busy / hz / w; s = 100 * srv / hz / w; p = 100 * pg / hz / w; c = 100 * cl / w
      o = m - s - p - c; if (o < 0) o = 0
      printf "| %s | %d %% | %.0f %% | %s | %s | %.0f %% (%s) | %.0f %% | %s | %s | %s |", label, q * n, m,
        (srv > 0 ? sprintf("%.0f %%", s) : "–"), (nopg ? "–" : sprintf("%.0f %%", p)), c, client, o,
        (srv > 0 ? sprintf("%.0f", 1e6 * srv / hz / done) : "–"), (nopg ? "–" : sprintf("%.0f", 1e6 * pg / hz / done)),
        (xact == "" ? "–" : xact) }')")
}

bench_store() { # store
  local store=$1 before after committed line
  CURRENT_DB=""
  PG_DB=""
  start_server "$store"
  TOKEN=$(login_token manager)
  log "$store: priming $PRIME_QUANTITY of each of [$ITEMS] in every depot"
  prime_stock
  log "$store: targets: $TARGETS"
  if (( WARMUP > 0 )); then
    log "$store: warm-up ${WARMUP}s"
    run_wrk issue "$WARMUP" "$store-warmup"
  fi
  PG_DB=${CURRENT_DB:-none}
  before=$(on_hand_total)

  wait_quiet
  log "$store: issue movements, ${DURATION}s, $CONNECTIONS connections"
  measure_begin
  run_wrk issue "$DURATION" "$store-issue"
  line=$WRK_LINE
  log "$store: $line"
  add_row "$store" "issue (POST movements)" "$line"
  WRITE_TPS+=("$store $LAST_TPS $LAST_P99")
  measure_end "$store: issue" "$(( $(field requests "$line") - $(field non2xx "$line") ))" "$WRK_CPU" wrk

  after=$(on_hand_total)
  committed=$((before - after))
  log "$store: ledger check: on_hand fell by $committed; wrk counted $(field requests "$line") responses ($(field non2xx "$line") non-2xx)"
  if (( committed < $(field requests "$line") - $(field non2xx "$line") )); then
    die "$store: fewer issues committed ($committed) than successful responses"
  fi

  wait_quiet
  log "$store: stock read, ${READ_DURATION}s"
  measure_begin
  run_wrk read "$READ_DURATION" "$store-read"
  log "$store: $WRK_LINE"
  add_row "$store" "read (GET depots/1/stock)" "$WRK_LINE"
  measure_end "$store: read" "$(( $(field requests "$WRK_LINE") - $(field non2xx "$WRK_LINE") ))" "$WRK_CPU" wrk
  stop_server
  if [[ $store == postgres && ${BENCH_APP_SQL:-1} == 1 ]]; then bench_app_sql "$CURRENT_DB"; fi
  CURRENT_DB=""
  PG_DB=""
}

# pgbench replaying the SQL one issue movement sends (from backend/src: with the session, the depot
# and the item served from the server's caches, that is the movement transaction alone) against the
# benchmark database once the server has stopped: what PostgreSQL alone can do for the
# application's statements, with no HTTP or Rust in the way. Diagnostic only: if the schema has
# moved on and the replay fails, the row is left out.
APP_SQL_ROWS=()
bench_app_sql() { # database
  local url="$PG_BASE/$1" uid script
  uid=$(psql "$url" -X -qAt -c "SELECT id FROM users WHERE username = 'manager'") || return 0
  local depots; depots=$(tr ' ' '\n' <<<"$TARGETS" | cut -d: -f1 | sort -un | tr '\n' ',' | sed 's/,$//')
  local items; items=$(printf "'%s'," $ITEMS | sed 's/,$//')
  script="$WORK/pgbench-app-sql.sql"
  # The depot and item are picked server-side from arrays, so picking them costs no round trip.
  local D="(ARRAY[$depots]::bigint[])[:di]" I="(ARRAY[$items]::text[])[:ii]"
  cat >"$script" <<SQL
\\set di random(1, $(tr ',' '\n' <<<"$depots" | wc -l))
\\set ii random(1, $(wc -w <<<"$ITEMS"))
BEGIN;
UPDATE stock_balances SET on_hand = on_hand - 1 WHERE depot_id = $D AND item_code = $I AND on_hand - reserved >= 1;
SELECT lot, quantity, expires_on FROM stock_lots WHERE depot_id = $D AND item_code = $I AND quantity > 0;
UPDATE stock_lots SET quantity = quantity - 1 WHERE depot_id = $D AND item_code = $I AND lot = 'BENCH';
INSERT INTO stock_movements (depot_id, kind, item_code, quantity, source, donor, reason, note, to_depot_id, transfer_id, reference, actor_id, actor_name, request_id, created_at) VALUES ($D, 'issue', $I, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, $uid, 'manager', 'bench-request-id', now()) RETURNING id AS movement \\gset
INSERT INTO stock_movement_lines (movement_id, lot, expires_on, on_hand_delta, reserved_delta) VALUES (:movement, 'BENCH', NULL, -1, 0);
INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id) VALUES (now(), $uid, 'manager', 'stock.movement', 'stock_movement', :movement::text, NULL, jsonb_build_object('depot_id', $D, 'kind', 'issue', 'item', $I, 'quantity', 1, 'transfer_id', NULL, 'lines', jsonb_build_array(jsonb_build_object('lot', 'BENCH', 'expires_on', NULL, 'on_hand_delta', -1, 'reserved_delta', 0))), 'bench-request-id');
COMMIT;
SQL
  replay_app_sql "$url" "$script" tx "the app's SQL for one issue (its transaction, 8 statements)" || return 0
}

replay_app_sql() { # url script label description
  local url=$1 script=$2 label=$3 description=$4 clients=${JIUZAI_PG_POOL_SIZE:-$(( $(nproc) * 4 ))} tps count p50 p90 p99 max
  wait_quiet
  log "pgbench replaying $description: -c $clients (the server's pool size) -j $THREADS -T $DURATION"
  rm -rf "$WORK/pgbench-app-$label"; mkdir -p "$WORK/pgbench-app-$label"
  local TIMEFORMAT='%U %S' saved_db=$PG_DB status=0
  PG_DB=""  # count every PostgreSQL process: pgbench's backends come and go
  measure_begin
  { time timeout $((DURATION + 60)) pgbench -n -M prepared -c "$clients" -j "$THREADS" -T "$DURATION" \
      -l --log-prefix="$WORK/pgbench-app-$label/pgbench_log" -f "$script" "$url" \
      >"$WORK/pgbench-app-$label.txt" 2>&1 ; } 2>"$WORK/pgbench-app-$label.cpu" || status=$?
  PG_DB=$saved_db
  if (( status != 0 )); then
    log "WARNING: the SQL replay failed (schema changed?); see below. Leaving it out."
    tail -5 "$WORK/pgbench-app-$label.txt" >&2
    return 1
  fi
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench-app-$label.txt" | head -1 | awk '{ printf "%.0f", $1 }')
  count=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench-app-$label.txt")
  read -r p50 p90 p99 max < <(percentiles "$WORK/pgbench-app-$label"/pgbench_log.*)
  PG_DB="" measure_end "replay: $label" "$count" "$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/pgbench-app-$label.cpu")" pgbench
  APP_SQL_ROWS+=("| pgbench (PostgreSQL) | $description | $clients | $DURATION s | $count | 0 / 0 | **$tps** | $p50 | $p90 | **$p99** | $max |")
  log "replay ($label): $tps per second, p99 $p99 ms"
}

# p50 p90 p99 max (ms) of pgbench per-transaction logs (third column: latency in µs)
percentiles() {
  cat "$@" | awk '{ print $3 }' | sort -n |
    awk 'function at(q,  i) { i = int(NR * q); if (i < 1) i = 1; return v[i] / 1000 }
      { v[NR] = $1 }
      END { printf "%.1f %.1f %.1f %.1f\n", at(0.50), at(0.90), at(0.99), v[NR] / 1000 }'
}

bench_pgbench() {
  local db="jiuzai_pgbench_$TAG" rows script lines
  rows=$(wc -w <<<"$TARGETS")
  (( rows > 0 )) || rows=56
  DATABASES+=("$db")
  psql_admin -c "CREATE DATABASE \"$db\"" >/dev/null
  psql "$PG_BASE/$db" -X -v ON_ERROR_STOP=1 -q <<SQL
CREATE TABLE stock (id integer PRIMARY KEY, on_hand bigint NOT NULL CHECK (on_hand >= 0));
CREATE TABLE ledger (id bigserial PRIMARY KEY, stock_id integer NOT NULL REFERENCES stock (id),
  delta bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO stock SELECT g, $PRIME_QUANTITY FROM generate_series(1, $rows) AS g;
VACUUM ANALYZE stock;
SQL
  script="$WORK/pgbench-stock.sql"
  cat >"$script" <<SQL
\\set id random(1, $rows)
BEGIN;
UPDATE stock SET on_hand = on_hand - 1 WHERE id = :id AND on_hand > 0;
INSERT INTO ledger (stock_id, delta) VALUES (:id, -1);
END;
SQL
  log "pgbench: $rows rows, -c $CONNECTIONS -j $THREADS -T $DURATION -M prepared"
  mkdir -p "$WORK/pgbench"
  local TIMEFORMAT='%U %S'
  wait_quiet
  CURRENT_DB=$db
  measure_begin
  { time timeout $((DURATION + 60)) pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" \
    -l --log-prefix="$WORK/pgbench/pgbench_log" -f "$script" "$PG_BASE/$db" >"$WORK/pgbench.txt" 2>&1 ; } 2>"$WORK/pgbench.cpu" \
    || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
  PGBENCH_TPS=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt" | head -1)
  PGBENCH_TPS=$(awk -v t="$PGBENCH_TPS" 'BEGIN { printf "%.0f", t }')
  local count failed p50 p90 p99 max
  count=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.txt")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.txt")
  # Per-transaction log: client_id transaction_no time_us script_no time_epoch time_us_part
  read -r p50 p90 p99 max < <(percentiles "$WORK"/pgbench/pgbench_log.*)
  measure_end "pgbench" "$count" "$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/pgbench.cpu")" pgbench
  CURRENT_DB=""
  ROWS+=("| pgbench (PostgreSQL) | UPDATE stock + INSERT ledger | $CONNECTIONS | $DURATION s | $count | ${failed:-0} / 0 | **$PGBENCH_TPS** | $p50 | $p90 | **$p99** | $max |")
  log "pgbench: $PGBENCH_TPS tps, p50 $p50 ms, p99 $p99 ms"
}

for store in $STORES; do bench_store "$store"; done
bench_pgbench

# --- report ---------------------------------------------------------------------------------------
pg_version=$(psql_admin -c 'SHOW server_version')
pg_sync=$(psql_admin -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'max_connections', 'shared_buffers', 'wal_sync_method')")
if [[ -n ${BENCH_BIN:-} ]]; then
  built="binary $BIN, built $(date -u -r "$BIN" +%Y-%m-%dT%H:%MZ)"
else
  built="built from $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- backend migrations Cargo.lock 2>/dev/null || echo ' with uncommitted backend changes')"
fi
echo "## Stock benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $built)"
echo
echo "$NPROC cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); PostgreSQL $pg_version ($pg_sync)."
echo "wrk -t $THREADS -c $CONNECTIONS --latency (closed loop); writes: quantity-1 issues cycling over $(wc -w <<<"$TARGETS") depot/item pairs; each after a ${WARMUP}s warm-up."
echo
echo "| Store | Workload | Conns | Duration | Requests | Non-2xx / socket errors | Throughput (/s) | p50 (ms) | p90 (ms) | p99 (ms) | Max (ms) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
if (( ${#APP_SQL_ROWS[@]} )); then printf '%s\n' "${APP_SQL_ROWS[@]}"; fi
echo
echo "CPU during each measured run, as a share of one core (the machine has $((NPROC * 100)) %). Before each run the"
echo "script waits for the machine to be quiet (\"busy before\"). PostgreSQL: the benchmark database's backends"
echo "and the server's auxiliary processes (for pgbench: every PostgreSQL process). \"Other\" is everything else,"
echo "mostly kernel time charged to no process (softirq: loopback TCP) unless the machine was busy before the run."
echo
echo "| Run | Busy before | Machine busy | jiuzai | PostgreSQL | Load generator | Other | jiuzai CPU µs per request | PostgreSQL CPU µs per request | PostgreSQL transactions per request |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${CPU_ROWS[@]}"
echo
echo "| Store | Movements/s | Ratio to pgbench ($PGBENCH_TPS tps) | p99 (ms) | Target ≥ 50 % of pgbench (PostgreSQL) | Target p99 < 50 ms |"
echo "|---|---:|---:|---:|---|---|"
for entry in "${WRITE_TPS[@]}"; do
  read -r store tps p99 <<<"$entry"
  ratio=$(awk -v a="$tps" -v b="$PGBENCH_TPS" 'BEGIN { printf "%.2f", a / b }')
  if [[ $store == postgres ]]; then
    half=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "met" : "**not met**" }')
  else
    half="n/a (PostgreSQL target)"
  fi
  p99ok=$(awk -v p="$p99" 'BEGIN { print (p < 50) ? "met" : "**not met**" }')
  echo "| $store | $tps | $ratio | $p99 | $half | $p99ok |"
done
