# Shared by scripts/load.sh and scripts/bench-stock.sh (source it; the caller defines log()):
# waiting for a shared machine to be quiet before a measured run.

# Busy and total CPU clock ticks of the whole machine so far.
cpu_busy_total() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }

# Waits (up to BENCH_QUIET_WAIT seconds, default 120; BENCH_QUIET_LIMIT % busy, default 15) until the machine is mostly idle, so other
# work on a shared machine does not distort the figures. Leaves the busy share seen last in QUIET.
QUIET=0
wait_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-120})) limit=${BENCH_QUIET_LIMIT:-15} b0 a0 b1 a1
  while :; do
    read -r b0 a0 < <(cpu_busy_total); sleep 2; read -r b1 a1 < <(cpu_busy_total)
    QUIET=$(awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) 'BEGIN { printf "%.0f", (a > 0 ? 100 * b / a : 0) }')
    if (( QUIET <= limit )); then return 0; fi
    if (( SECONDS >= deadline )); then
      log "WARNING: machine still ${QUIET}% busy before the run (other processes); measuring anyway"
      return 0
    fi
    log "machine ${QUIET}% busy (other processes); waiting for it to settle below ${limit}%"
    sleep 3
  done
}
