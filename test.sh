#!/usr/bin/env bash
# Runs every test: domain unit tests, simulator tests, infra tests, the integration and end-to-end tests against
# Azurite (which the tests start themselves on free loopback ports) and the Twilio simulator, and the web console's
# tests in a headless browser (Debian's chromium, driven by playwright-core).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ ! -x node_modules/.bin/azurite ] || [ ! -x node_modules/.bin/redocly ] \
   || [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "Installing Azurite, Redocly CLI, playwright-core and axe-core (pinned in package.json)..."
  # playwright-core downloads no browser; the console's browser tests drive Debian's chromium (below).
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the console's browser tests (tests/CallbackFunctions.Console.Tests)..."
  as_root=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo")
  $as_root apt-get update -qq
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
dotnet build CallbackFunctions.sln -c Release -nologo -clp:ErrorsOnly
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test CallbackFunctions.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all test projects.
awk '/(Passed|Failed)! +- +Failed:/ { gsub(",", ""); f += $4; p += $6; s += $8 } END { printf "Total: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
