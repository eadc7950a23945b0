#!/usr/bin/env bash
# `npm test`: provisions what the suites need, builds everything, runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
bash scripts/provision.sh
TURBO_TELEMETRY_DISABLED=1 npx turbo run build
TURBO_TELEMETRY_DISABLED=1 npx turbo run test --concurrency=1
npx playwright test
