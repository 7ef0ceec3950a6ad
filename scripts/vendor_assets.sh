#!/usr/bin/env bash
# Front-end assets for the map page come from the npm registry at set-up time (never committed)
# and are served by the app itself, so the page works on a closed government network.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "(aset peta: belum ada yang perlu dipasang)"
