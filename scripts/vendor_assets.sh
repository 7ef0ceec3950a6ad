#!/usr/bin/env bash
# Front-end assets (map and pages) come from the npm registry at set-up time (never committed)
# and are served by the app itself under /static/vendor/, so the page works on a closed
# government network. Versions are pinned; app/static/vendor/VERSIONS records what is installed,
# so a second run with the same pins does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  leaflet@1.9.4
  jquery@3.7.1
  bootstrap@5.2.2
  @fortawesome/fontawesome-free@6.2.0
  leaflet.awesome-markers@2.0.5
  leaflet.fullscreen@3.0.0
  leaflet.vectorgrid@1.3.0
  htmx.org@2.0.11
  tabulator-tables@6.5.3
)
VENDOR=app/static/vendor
STAMP="$VENDOR/VERSIONS"
WANTED="${PACKAGES[*]}"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANTED" ] && [ -f "$VENDOR/leaflet/leaflet.js" ] \
  && [ -f "$VENDOR/tabulator/tabulator.min.js" ]; then
  echo "Aset peta sudah terpasang ($VENDOR)."
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "npm tidak ditemukan: jalankan scripts/setup.sh" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "Memasang aset peta dari registri npm: $WANTED"
npm install --prefix "$WORK" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
  "${PACKAGES[@]}"
NM="$WORK/node_modules"

rm -rf "$VENDOR"
mkdir -p "$VENDOR"/{leaflet,jquery,bootstrap,fontawesome,awesome-markers,fullscreen,vectorgrid}
mkdir -p "$VENDOR"/{htmx,tabulator}
cp -r "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.css" "$NM/leaflet/dist/images" \
  "$VENDOR/leaflet/"
cp "$NM/jquery/dist/jquery.min.js" "$VENDOR/jquery/"
cp "$NM/bootstrap/dist/js/bootstrap.bundle.min.js" "$NM/bootstrap/dist/css/bootstrap.min.css" \
  "$VENDOR/bootstrap/"
mkdir -p "$VENDOR/fontawesome/css"
cp "$NM/@fortawesome/fontawesome-free/css/all.min.css" "$VENDOR/fontawesome/css/"
cp -r "$NM/@fortawesome/fontawesome-free/webfonts" "$VENDOR/fontawesome/"
cp "$NM/leaflet.awesome-markers/dist/leaflet.awesome-markers.js" \
  "$NM/leaflet.awesome-markers/dist/leaflet.awesome-markers.css" "$VENDOR/awesome-markers/"
cp -r "$NM/leaflet.awesome-markers/dist/images" "$VENDOR/awesome-markers/"
cp "$NM/leaflet.fullscreen/Control.FullScreen.js" "$NM/leaflet.fullscreen/Control.FullScreen.css" \
  "$VENDOR/fullscreen/"
cp -r "$NM/leaflet.fullscreen/icon-fullscreen.svg" "$VENDOR/fullscreen/" 2>/dev/null || true
cp "$NM/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js" "$VENDOR/vectorgrid/"
# The pages: htmx 2 (stable line; 4.x changed attribute semantics) for partial updates, and
# Tabulator for sortable, filterable tables. Both are plain scripts: no build step.
cp "$NM/htmx.org/dist/htmx.min.js" "$VENDOR/htmx/"
cp "$NM/tabulator-tables/dist/js/tabulator.min.js" \
  "$NM/tabulator-tables/dist/css/tabulator_simple.min.css" "$VENDOR/tabulator/"
echo "$WANTED" > "$STAMP"
echo "Aset peta terpasang di $VENDOR ($(du -sh "$VENDOR" | cut -f1))."
