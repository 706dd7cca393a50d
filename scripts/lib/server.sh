# Shared by scripts/fuzz-api.sh, scripts/load.sh and scripts/bench-stock.sh (source it): starts the
# demo server on a fresh SQLite file or PostgreSQL database, waits until it is healthy, logs in,
# and stops and cleans up. The caller defines log() and die(), sets WORK (a scratch directory), BIN
# (the jiuzai binary), PG_BASE and PG_ADMIN_DB, and calls server_cleanup from its EXIT trap.

SERVER_PID=""
BASE=""
CURRENT_DB=""
DATABASES=()

psql_admin() { psql "$PG_BASE/$PG_ADMIN_DB" -X -v ON_ERROR_STOP=1 -qAt "$@"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Stops the server and drops every PostgreSQL database start_server created.
server_cleanup() {
  stop_server
  for db in "${DATABASES[@]+"${DATABASES[@]}"}"; do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || log "could not drop database $db"
  done
  DATABASES=()
}

# Starts `jiuzai serve --demo` (synthetic counties) on a free port against a fresh database of the
# store; sets BASE, SERVER_PID and, for PostgreSQL, CURRENT_DB. Extra VAR=value arguments go into
# the server's environment.
start_server() { # store [VAR=value...]
  local store=$1 url port
  shift
  case $store in
    sqlite) url="sqlite://$WORK/jiuzai-$store-$$-$RANDOM.db" ;;
    postgres)
      local db="jiuzai_${TAG:-run}_$$_$RANDOM"
      CURRENT_DB=$db
      DATABASES+=("$db")
      psql_admin -c "CREATE DATABASE \"$db\"" >/dev/null
      url="$PG_BASE/$db"
      ;;
    *) die "unknown store $store" ;;
  esac
  port=$(free_port)
  BASE="http://127.0.0.1:$port"
  log "$store: starting $BIN on $BASE"
  env -u RUST_LOG DATABASE_URL="$url" JIUZAI_DEMO_COUNTIES=tests/fixtures/counties-synthetic.geojson \
    JIUZAI_PHOTO_DIR="$WORK/photos" "$@" \
    "$BIN" serve --demo --addr "127.0.0.1:$port" >"$WORK/server-$store.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    if curl -fsS "$BASE/api/v1/health" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server-$store.log" >&2; die "$store: server exited"; }
    sleep 0.2
  done
  tail -20 "$WORK/server-$store.log" >&2
  die "$store: server did not become healthy in 120 s"
}

# Prints a bearer token for a demo user (password demo).
login_token() { # username
  curl -sS --fail-with-body --max-time 30 -H 'Content-Type: application/json' \
    --data "{\"username\":\"$1\",\"password\":\"demo\"}" "$BASE/api/v1/auth/login" | jq -er .token \
    || die "login as $1 failed"
}

# Calls the API with TOKEN; prints the body, fails on HTTP errors.
api() { # method path [json body]
  local method=$1 path=$2 body=${3:-}
  local args=(-sS --fail-with-body --max-time 30 -X "$method" -H "Authorization: Bearer $TOKEN")
  if [[ -n $body ]]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  curl "${args[@]}" "$BASE$path"
}
