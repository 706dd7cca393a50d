#!/usr/bin/env bash
# The long soak (issue #19 item 5): mixed load at half the measured capacity for 30 minutes on
# SQLite, then on PostgreSQL, through tests/tests/soak.rs (which `make test` runs for 60 s per
# store). Prints one figures line per store; docs/RELIABILITY.md keeps the latest.
#
#   scripts/soak.sh                    # 30 minutes per store, about 65 minutes in all
#   JIUZAI_SOAK_SECONDS=600 scripts/soak.sh
#   SOAK_STORES=postgres scripts/soak.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export JIUZAI_SOAK_SECONDS=${JIUZAI_SOAK_SECONDS:-1800}
cargo build --bin jiuzai >&2
for store in ${SOAK_STORES:-sqlite postgres}; do
  cargo test -p jiuzai-tests --test soak -- --exact "soak_${store}" --nocapture 2>&1 | grep -E -A2 "^soak |panicked|test result" || exit 1
done
