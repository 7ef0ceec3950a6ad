#!/usr/bin/env bash
# Build and install Citus from ../shared/vendor when the PostgreSQL server lacks the `citus`
# extension (development machines and CI only: a deployment installs the vendor's packages or
# uses a managed Citus service, docs/scale.md). Does nothing when Citus is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=13.2.2
ARCHIVE="${CITUS_ARCHIVE:-../shared/vendor/citus-${VERSION}.tar.gz}"
SHA256=dd2453caec20a830e5e63f1def5c5a98cb6f57ae510407cdcd800916fcdab430
# What Citus's configure and PGXS need beyond the server (../shared/vendor/README.md).
BUILD_PACKAGES=(build-essential liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev libxslt1-dev
                libpam0g-dev libreadline-dev)

# The newest installed server, as app.db.localpg.find_bindir picks it.
BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/postgres" ]; then
  echo "citus.sh: PostgreSQL server not found under /usr/lib/postgresql (run make setup)" >&2
  exit 1
fi
MAJOR=$(basename "$(dirname "$BINDIR")")
if [ -f "/usr/share/postgresql/$MAJOR/extension/citus.control" ] \
   && [ -f "/usr/lib/postgresql/$MAJOR/lib/citus.so" ]; then
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for pkg in "${BUILD_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if ! installed "postgresql-server-dev-$MAJOR"; then
  # Headers of the running server's own version when the archive still has it.
  server=$(dpkg-query -W -f='${Version}' "postgresql-$MAJOR" 2>/dev/null || true)
  if [ -n "$server" ] && apt-cache madison "postgresql-server-dev-$MAJOR" | grep -qF " $server "; then
    missing+=("postgresql-server-dev-$MAJOR=$server")
  else
    missing+=("postgresql-server-dev-$MAJOR")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Memasang paket untuk membangun Citus: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$ARCHIVE" ]; then
  echo "citus.sh: $ARCHIVE not found (../shared must sit beside the repository)" >&2
  exit 1
fi
echo "$SHA256  $ARCHIVE" | sha256sum --check --quiet

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-citus-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$ARCHIVE" -C "$WORK"
SRC="$WORK/citus-$VERSION"

# PostgreSQL 15.20 exports have_createdb_privilege() (a backport), and Citus 13.2.2 defines a
# static function of that name for PostgreSQL 15: rename Citus's copy so both can exist.
COMPAT="$SRC/src/include/pg_version_compat.h"
perl -0pi -e 's/\nstatic inline bool\nhave_createdb_privilege\(void\)/\n#define have_createdb_privilege citus_have_createdb_privilege$&/' "$COMPAT"
grep -q "#define have_createdb_privilege citus_have_createdb_privilege" "$COMPAT" || {
  echo "citus.sh: the have_createdb_privilege fix no longer applies to $COMPAT" >&2
  exit 1
}

echo "Membangun Citus $VERSION untuk PostgreSQL $MAJOR (sekali saja, 1-3 menit)..."
cd "$SRC"
./configure --without-libcurl PG_CONFIG="$BINDIR/pg_config" >"$WORK/configure.log" 2>&1 || {
  tail -n 30 "$WORK/configure.log" >&2
  exit 1
}
make -j"$(nproc)" >"$WORK/make.log" 2>&1 || { tail -n 40 "$WORK/make.log" >&2; exit 1; }
$SUDO make install >"$WORK/install.log" 2>&1 || { tail -n 20 "$WORK/install.log" >&2; exit 1; }
echo "Citus $VERSION terpasang di /usr/lib/postgresql/$MAJOR."
