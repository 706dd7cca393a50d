#!/usr/bin/env bash
# The planner's and the household import's targets (docs/PERFORMANCE.md), measured in one run, one
# bench after another so none shares the machine with another:
#   1. the province, 1,000 depots × 20,000 villages × 10 items, items in parallel as the plans
#      service plans them (wall time and planning memory), then the same with the planner issue #18
#      found (PEER, 145 s on the machine of its day), so the speed-up is read on one machine;
#   2. re-planning after a new blocked zone through the API, the demo city and the 100 × 2,000 × 10
#      city, on SQLite then PostgreSQL (scripts/bench-replan.sh);
#   3. the household import of a million rows against each database's floor (scripts/bench-import.sh);
#   4. the planner against HiGHS and OR-Tools on the same instances, both policies and the re-plans
#      at small and city scale, then the province (strict tiers) against OR-Tools
#      (scripts/bench-solvers.sh; agreement, time ratios, memory).
# About an hour on 2 cores. Each bench's output goes to OUT/<step>.log, the solvers' figures also
# to OUT/solvers*.json; the script goes on after a failed bench and exits 1 at the end if any failed.
#
#   scripts/bench-targets.sh                     # OUT is /tmp/jiuzai-targets-<time>
#   BENCH_TARGETS_OUT=dir scripts/bench-targets.sh
#   BENCH_TARGETS_PEER=rev   the peer planner (default b6785f9, before #18's work), built in a
#                            worktree under target/ (kept, so a second run does not build it again)
# Needs what each bench needs: PostgreSQL on 127.0.0.1:5432, sqlite3, /usr/bin/time, python3, and
# the county polygons (make geodata); it builds the release binary itself.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_TARGETS_OUT:-/tmp/jiuzai-targets-$(date -u +%Y%m%dT%H%M)}
PG=postgres://postgres@127.0.0.1:5432
PEER=${BENCH_TARGETS_PEER:-b6785f9}
PEER_TREE=$ROOT/target/bench-peer/tree
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
git worktree remove --force "$PEER_TREE" 2>/dev/null || true
git worktree add --force --detach "$PEER_TREE" "$PEER" >>"$OUT/build.log" 2>&1 || { log "no peer $PEER"; exit 1; }
in_peer() { (cd "$PEER_TREE" && env CARGO_TARGET_DIR="$ROOT/target/bench-peer/target" "$@"); }
in_peer cargo bench -p jiuzai --bench planner --no-run >>"$OUT/build.log" 2>&1 || { log "peer bench build failed"; exit 1; }

step province env PLANNER_BENCH_SCALES=province cargo bench -p jiuzai --bench planner
step province-peer in_peer env PLANNER_BENCH_SCALES=province cargo bench -p jiuzai --bench planner
step replan-sqlite scripts/bench-replan.sh
step replan-postgres env ROUNDS=10 BENCH_PG=$PG scripts/bench-replan.sh
step import env BENCH_PG=$PG scripts/bench-import.sh
step solvers env BENCH_SOLVERS_SCALES=small,city BENCH_SOLVERS_RUNS=1 \
  BENCH_SOLVERS_JSON="$OUT/solvers.json" scripts/bench-solvers.sh
step solvers-province env BENCH_SOLVERS_SCALES=province BENCH_SOLVERS_POLICIES=strict_tiers \
  BENCH_SOLVERS_JSON="$OUT/solvers-province.json" scripts/bench-solvers.sh
git worktree remove --force "$PEER_TREE"

log "finished; failed: ${failed[*]:-none}"
((${#failed[@]} == 0))
