#!/usr/bin/env bash
# API fuzzing with schemathesis against the real server and its OpenAPI document
# (/api/v1/openapi.json): every operation, once without a token and once as each demo role, on
# SQLite and on PostgreSQL. Checks: no 5xx, and every response conforms to the document (status
# code documented, content type, response schema). Exits non-zero on any failure.
#
#   scripts/fuzz-api.sh                  # full pass: 100 examples per operation and phase
#   make test-fuzz                       # CI: FUZZ_EXAMPLES=3 without the coverage phase
#
# Knobs (environment):
#   FUZZ_EXAMPLES=100        schemathesis --max-examples (per operation, per phase)
#   FUZZ_SEED=7              schemathesis --seed (with --generation-deterministic: reproducible)
#   FUZZ_STORES="sqlite postgres"
#   FUZZ_ROLES="anonymous admin manager depot reporter assessor reviewer auditor"
#   FUZZ_PHASES=examples,coverage,fuzzing,stateful   (stateful: follows the links it infers)
#   FUZZ_WORKERS=2           schemathesis --workers
#   FUZZ_REPORT_DIR=...      keep each run's JUnit report and the server logs there
#   JIUZAI_BIN=/path/jiuzai  the server binary (default: $CARGO_TARGET_DIR or target, debug/jiuzai;
#                            built with cargo if missing)
#   FUZZ_PG=postgres://postgres@127.0.0.1:5432, FUZZ_PG_ADMIN_DB=test
# Needs: python3 (venv), curl, jq, psql. Installs schemathesis (pinned) into .venv-fuzz from PyPI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${FUZZ_EXAMPLES:-100}
SEED=${FUZZ_SEED:-7}
STORES=${FUZZ_STORES:-sqlite postgres}
ROLES=${FUZZ_ROLES:-anonymous admin manager depot reporter assessor reviewer auditor}
PHASES=${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}
WORKERS=${FUZZ_WORKERS:-2}
PG_BASE=${FUZZ_PG:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN_DB=${FUZZ_PG_ADMIN_DB:-test}
BIN=${JIUZAI_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/jiuzai}
VENV="$ROOT/.venv-fuzz"
TAG=fuzz

log() { printf '[fuzz %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in python3 curl jq psql; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

if [[ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [[ ! -x $BIN ]]; then
  log "building $BIN"
  cargo build --bin jiuzai >&2
fi

WORK=$(mktemp -d /tmp/jiuzai-fuzz.XXXXXX)
# shellcheck source=scripts/lib/server.sh
source "$ROOT/scripts/lib/server.sh"
cleanup() {
  local status=$?
  server_cleanup
  if [[ -n ${FUZZ_REPORT_DIR:-} ]]; then mkdir -p "$FUZZ_REPORT_DIR" && cp -r "$WORK"/. "$FUZZ_REPORT_DIR"/; fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server's login throttling is real: log every role in before the fuzzer's wrong passwords.
# Logging out would revoke the token the rest of a run uses, so the logout operation is fuzzed last,
# with a token of its own.
fuzz() { # label [schemathesis args...]
  local label=$1
  shift
  log "$label"
  "$VENV/bin/schemathesis" --config-file "$ROOT/scripts/fuzz/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases "$PHASES" --max-examples "$EXAMPLES" --seed "$SEED" --generation-deterministic \
    --workers "$WORKERS" --request-timeout 30 --no-color \
    --suppress-health-check all --warnings off \
    --report junit --report-junit-path "$WORK/$label.xml" "$@" >"$WORK/$label.txt" 2>&1
}

FAILED=()
for store in $STORES; do
  start_server "$store"
  declare -A TOKENS=()
  for role in $ROLES logout; do
    if [[ $role == logout ]]; then TOKENS[$role]=$(login_token admin)
    elif [[ $role != anonymous ]]; then TOKENS[$role]=$(login_token "$role"); fi
  done
  for role in $ROLES logout; do
    args=()
    [[ -n ${TOKENS[$role]:-} ]] && args+=(--header "Authorization: Bearer ${TOKENS[$role]}")
    if [[ $role == logout ]]; then args+=(--include-path /api/v1/auth/logout)
    elif [[ $role != anonymous ]]; then args+=(--exclude-path /api/v1/auth/logout); fi
    if fuzz "$store-$role" "${args[@]}"; then
      log "$store-$role: passed ($(grep -Eo '[0-9]+ generated' "$WORK/$store-$role.txt" | head -1 || true) test cases)"
    else
      FAILED+=("$store-$role")
      log "$store-$role: FAILED"
      tail -n 80 "$WORK/$store-$role.txt" >&2
    fi
  done
  unset TOKENS
  if grep -q ' ERROR ' "$WORK/server-$store.log"; then
    log "$store: the server logged errors:"; grep ' ERROR ' "$WORK/server-$store.log" | head -20 >&2
    FAILED+=("$store-server-log")
  fi
  stop_server
done

if (( ${#FAILED[@]} )); then
  die "failed: ${FAILED[*]}"
fi
log "all passed: stores [$STORES], roles [$ROLES] and logout, $EXAMPLES examples, seed $SEED"
