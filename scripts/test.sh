#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotent), checks formatting and lints (the
# gate CI enforces), then runs the whole workspace's tests. The end-to-end tests start the real
# binary and read it with GDAL and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked "$@"
