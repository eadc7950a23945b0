#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the Playwright tests (Playwright's own browser
# download cannot work on these machines: only package registries are reachable).
set -euo pipefail
CHROMIUM=${RIFFLE_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "npm test needs Chromium at $CHROMIUM for the browser tests." >&2
  echo "Install it with: sudo apt-get install -y chromium   (or set RIFFLE_CHROMIUM to a Chromium binary)" >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version
