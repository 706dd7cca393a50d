# What the benchmark scripts share (sourced by scripts/bench-import.sh and scripts/bench-checks.sh,
# which set ROOT, PG_BASE, PG_ADMIN_DB, BIN and NAME first): logging, the tools they need, a work
# folder and the databases they create, both removed on exit (BENCH_KEEP=1 keeps the folder), the
# release build unless BENCH_BIN or BENCH_SKIP_BUILD, and the county polygons the demo seeds.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in psql sqlite3 python3 curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

WORK=$(mktemp -d "/tmp/jiuzai-$NAME.XXXXXX")
SERVER_PID=""
DATABASES=()
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  for db in "${DATABASES[@]}"; do
    psql -q "$PG_BASE/$PG_ADMIN_DB" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

if [[ -z ${BENCH_BIN:-} && ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  log "building the release binary"
  cargo build --release -p jiuzai >&2
fi
[[ -x $BIN ]] || die "no binary at $BIN"

# The real county polygons when `make setup` fetched them, else the synthetic fixture.
if [[ ! -f geodata/build/counties-gcj02.geojson ]]; then
  export JIUZAI_DEMO_COUNTIES=tests/fixtures/counties-synthetic.geojson
fi
