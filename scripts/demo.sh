#!/usr/bin/env bash
# Builds onemap and serves the generated demo county on the embedded GeoPackage store.
# Open http://127.0.0.1:8080/ — extra arguments go to `onemap demo` (e.g. --osm FILE.osm.pbf --store data/malta.gpkg).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --release --locked -p onemap-server --bin onemap -- demo "$@"
