#!/usr/bin/env bash
# Runs CallbackFunctions locally on embedded defaults: Azurite, the Twilio simulator and the app, all on loopback.
#   ./run.sh          everything, printing callback events as they happen (Ctrl+C stops it all)
#   ./run.sh demo     a scripted day, printed as a timeline; exits 0 when it ends as scripted
#   ./run.sh bench    the benchmark figures
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (pinned in package.json)..."
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet build src/CallbackFunctions.LocalRun -c Release -nologo -clp:ErrorsOnly -v q
# The runner starts Azurite itself and stops it by PID on exit; if we are stopped, stop it (and so its children).
dotnet src/CallbackFunctions.LocalRun/bin/Release/net10.0/CallbackFunctions.LocalRun.dll "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' INT TERM
wait "$pid"
