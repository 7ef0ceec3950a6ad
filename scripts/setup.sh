#!/usr/bin/env bash
# Install what a fresh Debian/Ubuntu machine lacks: system packages (only when absent), a .venv,
# the package with its test extras, and the map page's front-end assets (served by the app).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pango: WeasyPrint (the PDF report) lays text out with it; poppler-utils: the report tests read
# the PDF with pdftotext; fonts-dejavu-core: the report's and the map picture's font.
APT_PACKAGES=(postgresql-15 postgresql-15-postgis-3 chromium chromium-driver python3-venv
              libpango-1.0-0 libpangoft2-1.0-0 poppler-utils fonts-dejavu-core)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
# Any npm will do (a machine may carry Node.js from elsewhere, which Debian's npm conflicts with).
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Memasang paket sistem: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"

bash scripts/vendor_assets.sh
