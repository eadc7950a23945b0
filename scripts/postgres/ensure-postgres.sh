#!/usr/bin/env bash
# Makes sure Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres under
# /usr/lib/postgresql/<version>/bin) are installed: the test setup (postgres.mjs) starts its own
# throw-away server from them. Idempotent; a no-op when they are already there. Prints the bin dir.
set -euo pipefail
find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] && { echo "$d"; return 0; }
  done
  return 1
}
if bin="$(find_bin)"; then echo "$bin"; exit 0; fi
if [[ "$(id -u)" != 0 ]]; then
  echo "scripts/postgres: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin, and not root to install them: run 'sudo apt-get install -y postgresql'" >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "scripts/postgres: no PostgreSQL server and no apt-get to install one" >&2; exit 1; }
echo "scripts/postgres: installing Debian's postgresql package..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq postgresql >&2
bin="$(find_bin)" || { echo "scripts/postgres: installed postgresql but found no initdb/pg_ctl under /usr/lib/postgresql/*/bin" >&2; exit 1; }
echo "$bin"
