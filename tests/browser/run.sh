#!/usr/bin/env bash
# Runs the browser tests in Debian's Chromium against a fresh demo server (SQLite, free port).
# Screenshots land in tests/artifacts/. JIUZAI_BIN names another server binary (default: the debug build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

if [[ ! -x /usr/bin/chromium ]]; then
    echo "Debian's chromium is required: apt-get install -y chromium fonts-wqy-microhei" >&2
    exit 1
fi
if [[ ! -f tests/browser/node_modules/.package-lock.json || tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]]; then
    (cd tests/browser && npm ci --no-audit --no-fund)
fi

JIUZAI_BIN="${JIUZAI_BIN:-target/debug/jiuzai}"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The real county polygons when `make setup` fetched them, else the synthetic fixture.
if [[ -f geodata/build/counties-gcj02.geojson ]]; then
    unset JIUZAI_DEMO_COUNTIES
else
    export JIUZAI_DEMO_COUNTIES=tests/fixtures/counties-synthetic.geojson
fi
DATABASE_URL="sqlite://$WORK/jiuzai.db" "$JIUZAI_BIN" serve --demo --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
    kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
done

cd tests/browser
JIUZAI_URL="http://127.0.0.1:$PORT" node --test
