#!/usr/bin/env bash
# Load per endpoint on a release build with wrk: the hot reads (the map's area GeoJSON with the
# event's figures, a depot's stock, the event summary) and writes (stock issues, loss report
# updates) at 1, 16 and 64 connections on SQLite and PostgreSQL. Prints a Markdown table:
# throughput (successful responses per second), p50 and p99 latency, non-2xx and socket errors,
# and the load average before each run.
#
#   scripts/load.sh            # builds the release binary, about 7 minutes of measuring
#
# Knobs (environment):
#   LOAD_DURATION=10           seconds per measured run (after a 2 s unmeasured warm-up)
#   LOAD_CONNECTIONS="1 16 64"
#   LOAD_STORES="sqlite postgres"
#   LOAD_ENDPOINTS="map stock summary issue report"
#   BENCH_BIN=/path/jiuzai     measure this binary (default: the release build, built if needed)
#   BENCH_QUIET_WAIT / BENCH_QUIET_LIMIT   see scripts/lib/quiet.sh
#   BENCH_PG, BENCH_PG_ADMIN_DB            as scripts/bench-stock.sh
# Needs: cargo, curl, jq, wrk (apt-get install -y wrk), psql, python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${LOAD_DURATION:-10}
CONNECTIONS=${LOAD_CONNECTIONS:-1 16 64}
STORES=${LOAD_STORES:-sqlite postgres}
ENDPOINTS=${LOAD_ENDPOINTS:-map stock summary issue report}
PG_BASE=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN_DB=${BENCH_PG_ADMIN_DB:-test}
BIN=${BENCH_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/jiuzai}
LUA="$ROOT/scripts/bench/wrk-stock.lua"
EVENT=1
TAG=load

log() { printf '[load %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in curl jq wrk psql python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done

WORK=$(mktemp -d /tmp/jiuzai-load.XXXXXX)
# shellcheck source=scripts/lib/server.sh
source "$ROOT/scripts/lib/server.sh"
# shellcheck source=scripts/lib/quiet.sh
source "$ROOT/scripts/lib/quiet.sh"
cleanup() {
  local status=$?
  server_cleanup
  if (( status != 0 )); then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z ${BENCH_BIN:-} ]]; then
  log "cargo build --release --bin jiuzai"
  cargo build --release --bin jiuzai >&2 || die "release build failed"
fi
[[ -x $BIN ]] || die "$BIN is missing"

TOKEN=""
TARGETS=""
AREAS=""
# Stock to issue from (every item in every depot the manager operates), and an initial report
# (初报) for each township of the event's first county, so the load can file updates.
prepare() {
  local depot item
  for depot in $(api GET /api/v1/depots | jq -r '.[].id'); do
    for item in quilt blanket; do
      api POST "/api/v1/depots/$depot/movements" \
        "{\"kind\":\"receipt\",\"item\":\"$item\",\"quantity\":10000000,\"lot\":\"LOAD\",\"source\":\"procured\"}" >/dev/null
      TARGETS+="$depot:$item "
    done
  done
  AREAS=$(api GET /api/v1/areas | jq -r '[.[] | select(.level == "township")][:16][].code' | tr '\n' ' ')
  local area
  for area in $AREAS; do
    api POST "/api/v1/events/$EVENT/reports" \
      "{\"area_code\":\"$area\",\"stage\":\"initial\",\"indicators\":{\"affected\":1000,\"relocated\":10}}" >/dev/null
  done
}

endpoint() { # name -> "mode label path"
  case $1 in
    map) echo "read GET_/api/v1/map/areas.geojson?level=county&event=$EVENT /api/v1/map/areas.geojson?level=county&event=$EVENT" ;;
    stock) echo "read GET_/api/v1/depots/1/stock /api/v1/depots/1/stock" ;;
    summary) echo "read GET_/api/v1/events/$EVENT/summary?level=township /api/v1/events/$EVENT/summary?level=township" ;;
    issue) echo "issue POST_/api/v1/depots/{id}/movements_(issue) -" ;;
    report) echo "report POST_/api/v1/events/$EVENT/reports_(update) -" ;;
    *) die "unknown endpoint $1" ;;
  esac
}

field() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ROWS=()
measure() { # store endpoint connections
  local store=$1 name=$2 conns=$3 mode label path threads out line load
  read -r mode label path <<<"$(endpoint "$name")"
  threads=$(( conns < 2 ? 1 : 2 ))
  local args=(-t "$threads" -c "$conns" --timeout 30s --latency -s "$LUA" "$BASE")
  local envs=(BENCH_MODE="$mode" BENCH_TOKEN="$TOKEN" BENCH_TARGETS="$TARGETS" BENCH_PATH="$path"
    BENCH_EVENT="$EVENT" BENCH_AREAS="$AREAS")
  env "${envs[@]}" timeout 60 wrk -d 2s "${args[@]}" >/dev/null 2>&1 || die "wrk warm-up failed ($store $name)"
  wait_quiet
  load=$(cut -d' ' -f1 /proc/loadavg)
  out="$WORK/wrk-$store-$name-$conns.txt"
  env "${envs[@]}" timeout $((DURATION + 60)) wrk -d "${DURATION}s" "${args[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "wrk printed no summary ($store $name $conns)"; }
  local requests non2xx errors duration
  requests=$(field requests "$line"); non2xx=$(field non2xx "$line"); duration=$(field duration_us "$line")
  errors=$(( $(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field timeout "$line") ))
  ROWS+=("$(awk -v s="$store" -v e="${label//_/ }" -v c="$conns" -v r="$requests" -v n="$non2xx" -v x="$errors" \
    -v d="$duration" -v p50="$(field p50_us "$line")" -v p99="$(field p99_us "$line")" -v l="$load" -v q="$QUIET" \
    'BEGIN { printf "| %s | `%s` | %d | **%.0f** | %.1f | **%.1f** | %d / %d | %s (%d %%) |", s, e, c, (r - n) / (d / 1e6), p50 / 1000, p99 / 1000, n, x, l, q }')")
  log "${ROWS[-1]}"
}

for store in $STORES; do
  start_server "$store"
  TOKEN=$(login_token manager)
  prepare
  for name in $ENDPOINTS; do
    for conns in $CONNECTIONS; do measure "$store" "$name" "$conns"; done
  done
  stop_server
done

echo "## Load per endpoint ($(date -u +%Y-%m-%dT%H:%MZ), built from $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); PostgreSQL $(psql_admin -c 'SHOW server_version')."
echo "wrk -t min(c,2) -c c -d ${DURATION}s --latency after a 2 s warm-up; token of the demo manager (city scope)."
echo
echo "| Store | Endpoint | Conns | Throughput (/s) | p50 (ms) | p99 (ms) | Non-2xx / socket errors | Load avg before (busy) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
