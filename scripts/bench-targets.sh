#!/usr/bin/env bash
# The planner's and the household import's targets (docs/PERFORMANCE.md), measured in one run, one
# bench after another so none shares the machine with another:
#   1. the province, 1,000 depots × 20,000 villages × 10 items, items in parallel as the plans
#      service plans them (wall time and planning memory);
#   2. re-planning after a new blocked zone through the API, the demo city and the 100 × 2,000 × 10
#      city, on SQLite then PostgreSQL (scripts/bench-replan.sh);
#   3. the household import of a million rows against each database's floor (scripts/bench-import.sh);
#   4. the planner against HiGHS and OR-Tools on the same instances, both policies, the re-plans,
#      the province against OR-Tools (scripts/bench-solvers.sh; agreement, time ratios, memory).
# About 75 minutes on 2 cores. Each bench's output goes to OUT/<step>.log, the solvers' figures also
# to OUT/solvers.json; the script goes on after a failed bench and exits 1 at the end if any failed.
#
#   scripts/bench-targets.sh                     # OUT is /tmp/jiuzai-targets-<time>
#   BENCH_TARGETS_OUT=dir scripts/bench-targets.sh
# Needs what each bench needs: PostgreSQL on 127.0.0.1:5432, sqlite3, /usr/bin/time, python3, and
# the county polygons (make geodata); it builds the release binary itself.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_TARGETS_OUT:-/tmp/jiuzai-targets-$(date -u +%Y%m%dT%H%M)}
PG=postgres://postgres@127.0.0.1:5432
mkdir -p "$OUT"
failed=()

log() { printf '[bench-targets %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/steps.log" >&2; }

# step NAME COMMAND...: runs it with its output in OUT/NAME.log, noting start, end and load.
step() {
  local name=$1
  shift
  log "$name: start (load $(cut -d' ' -f1-3 /proc/loadavg))"
  if "$@" >"$OUT/$name.log" 2>&1; then
    log "$name: done"
  else
    log "$name: FAILED (see $OUT/$name.log)"
    failed+=("$name")
  fi
}

log "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)'); $(nproc) cores; output in $OUT"
cargo build --release --bin jiuzai >"$OUT/build.log" 2>&1 || { log "release build failed"; exit 1; }
cargo bench -p jiuzai --bench planner --no-run >>"$OUT/build.log" 2>&1 || { log "bench build failed"; exit 1; }

step province env PLANNER_BENCH_SCALES=province cargo bench -p jiuzai --bench planner
step replan-sqlite scripts/bench-replan.sh
step replan-postgres env ROUNDS=10 BENCH_PG=$PG scripts/bench-replan.sh
step import env BENCH_PG=$PG scripts/bench-import.sh
step solvers env BENCH_SOLVERS_SCALES=small,city,province BENCH_SOLVERS_RUNS=1 \
  BENCH_SOLVERS_JSON="$OUT/solvers.json" scripts/bench-solvers.sh

log "finished; failed: ${failed[*]:-none}"
((${#failed[@]} == 0))
