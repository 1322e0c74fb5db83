#!/usr/bin/env bash
# Installs and starts what onemap's demo and tests need on a Debian machine. Idempotent.
# Run as root (CI and the dev machines are root); uses sudo when not root and sudo exists.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

PKGS=(gdal-bin postgresql-15-postgis-3 postgresql-15-pgrouting chromium fonts-noto-cjk wrk sqlite3 jq)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PostgreSQL: start the cluster when none is running (tests create their own databases).
if command -v pg_lsclusters >/dev/null; then
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    $SUDO pg_createcluster "$ver" main
  fi
  pg_lsclusters -h | while read -r ver name port status _; do
    if [ "$status" != "online" ]; then
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || $SUDO pg_ctlcluster "$ver" "$name" start
    fi
  done
fi

# Front-end packages (maplibre-gl for the page, playwright-core to drive Chromium in tests).
here=$(cd "$(dirname "$0")/.." && pwd)
stamp="$here/frontend/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/frontend/package-lock.json" -nt "$stamp" ]; then
  (cd "$here/frontend" && npm ci --no-audit --no-fund --loglevel=error)
fi
# Python decoder of other people's making for the tile tests (mapbox-vector-tile), in a venv.
if [ ! -x "$here/.venv/bin/python" ] || ! "$here/.venv/bin/python" -c "import mapbox_vector_tile, pyproj, openapi_spec_validator" 2>/dev/null; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/tests/requirements.txt"
fi
echo "setup: ok"
