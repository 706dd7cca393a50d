#!/usr/bin/env bash
# Compares the exact planner with HiGHS and OR-Tools on the same instances (the planner bench sizes),
# under both fairness policies and after a road blockage (the re-plan): the planner bench generates the instances from fixed seeds, times the
# planner on them and writes them with its results as JSON; scripts/bench-solvers.py solves each
# again with HiGHS (a sequence of LPs) and with OR-Tools (max flow for the fair levels and the total,
# min-cost flow for the travel time), checks that the fair levels (and for strict tiers the tier
# fills), the total delivered and the weighted travel time agree, and prints a Markdown table of
# times and memory.
#
#   scripts/bench-solvers.sh          # small, city and province scale; about an hour on 2 cores
#
# Makes a virtualenv in .venv-bench (gitignored) with pinned ortools, highspy and numpy from PyPI.
# The release build of the bench compiles the dependencies once. Progress goes to stderr, the table
# to stdout; it exits 1 if any solver disagrees with the planner.
#
# Knobs (environment):
#   BENCH_SOLVERS_SCALES=small,city,province   which instance sizes (city 100 × 2,000, province 1,000 × 20,000; 10 items each)
#   BENCH_SOLVERS_POLICIES=strict_tiers,weighted  which policies (weighted: tier 1 at fill weight 1.0, tier 0 at 0.6)
#   BENCH_SOLVERS_REPLAN=small,city   at which sizes each item is also planned again after a blockage
#                                 (instances SCALE[-weighted]-replan-SEED; see blocked() in backend/benches/planner.rs)
#   BENCH_SOLVERS_RUNS=3          solves per instance and solver on small and city (median reported)
#   BENCH_SOLVERS_PROVINCE_RUNS=1 ... on the province instance
#   BENCH_SOLVERS_OUT=dir         write the instances there and keep them (default: a temp dir, removed)
#   BENCH_SOLVERS_JSON=file       also write every figure as JSON
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SCALES=${BENCH_SOLVERS_SCALES:-small,city,province}
POLICIES=${BENCH_SOLVERS_POLICIES:-strict_tiers,weighted}
REPLAN=${BENCH_SOLVERS_REPLAN:-small,city}
RUNS=${BENCH_SOLVERS_RUNS:-3}
PROVINCE_RUNS=${BENCH_SOLVERS_PROVINCE_RUNS:-1}
VENV=$ROOT/.venv-bench
PINS=(ortools==9.15.6755 highspy==1.15.1 numpy==2.4.6)

log() { printf '[bench-solvers %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ! -x $VENV/bin/python ]] || ! cmp -s <(printf '%s\n' "${PINS[@]}") "$VENV/.pins"; then
  log "installing ${PINS[*]} into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}"
  printf '%s\n' "${PINS[@]}" > "$VENV/.pins"
fi

if [[ -n ${BENCH_SOLVERS_OUT:-} ]]; then
  OUT=$BENCH_SOLVERS_OUT
  mkdir -p "$OUT"
else
  OUT=$(mktemp -d /tmp/jiuzai-solvers.XXXXXX)
  trap 'rm -rf "$OUT"' EXIT
fi

log "load before: $(uptime)"
for policy in ${POLICIES//,/ }; do
  for scale in ${SCALES//,/ }; do
    replan=0
    [[ ,$REPLAN, == *,$scale,* ]] && replan=1
    log "planner bench ($scale, $policy, re-plan $replan), writing the instances to $OUT"
    # One item at a time, so each item's time and memory compare with the solvers' (which use one core).
    RAYON_NUM_THREADS=1 PLANNER_BENCH_POLICY=$policy PLANNER_BENCH_OUT=$OUT PLANNER_BENCH_SCALES=$scale \
      PLANNER_BENCH_REPLAN=$replan cargo bench -p jiuzai --bench planner >&2
  done
done
log "versions: $(rustc --version); $("$VENV/bin/pip" freeze --disable-pip-version-check | grep -E '^(ortools|highspy|numpy)==' | tr '\n' ' ')"
args=("$OUT" --runs "$RUNS" --province-runs "$PROVINCE_RUNS")
[[ -n ${BENCH_SOLVERS_JSON:-} ]] && args+=(--json "$BENCH_SOLVERS_JSON")
status=0
"$VENV/bin/python" scripts/bench-solvers.py "${args[@]}" || status=$?
log "load after: $(uptime)"
exit $status
