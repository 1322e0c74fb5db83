#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotent), then the whole workspace's tests.
# The end-to-end tests start the real binary and read it with GDAL and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"
