#!/usr/bin/env bash
# Runs every test: domain unit tests, simulator tests, infra tests, and the integration and end-to-end tests against
# Azurite (which the tests start themselves on free loopback ports) and the Twilio simulator.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ ! -x node_modules/.bin/azurite ] || [ ! -x node_modules/.bin/redocly ]; then
  echo "Installing Azurite and Redocly CLI (pinned in package.json)..."
  npm ci --no-audit --no-fund --loglevel=error
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
