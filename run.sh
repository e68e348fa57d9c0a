#!/usr/bin/env bash
# Runs CallbackFunctions locally: Azurite, the Twilio simulator and the app, all on 127.0.0.1.
#   ./run.sh [run]    everything, printing callback events as they happen (Ctrl+C stops it all)
#   ./run.sh demo     a scripted day, printed as a timeline; exits 0 when it ends as scripted
#   ./run.sh app      the app alone on the environment's settings and local.settings.json (ASPNETCORE_URLS says where)
#   ./run.sh bench    the benchmark figures
# Options (run and demo):
#   --app-port N      pin the app to 127.0.0.1:N        (default: a free port; a port in use stops the run, exit 2)
#   --sim-port N      pin the Twilio simulator to 127.0.0.1:N
#   --verbose         also print the logs here (they always go to a log file, whose path is printed at start)
#   --log-file PATH   write the logs to PATH
#   -h, --help        modes, options, settings and exit codes
# Settings (run): app settings in local.settings.json's "Values" override the run mode's embedded defaults (seconds for
# minutes), and the environment overrides both, e.g. Callbacks__Intervals=00:00:10,00:00:30 ./run.sh; storage and
# Twilio's account, token, API key, API base URL and webhook base URL stay the local stack's. A bad setting stops the
# run at once with one line naming it (exit 2).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (pinned in package.json)..."
  npm ci --no-audit --no-fund --loglevel=error
fi
# Quiet unless it fails: the build's summary and NuGet's warnings are not the user's business here.
echo "Building the app (dotnet build; the first build restores packages and takes longer)..."
if ! build_output=$(dotnet build src/CallbackFunctions.LocalRun -c Release -nologo -clp:ErrorsOnly -v q 2>&1); then
  printf '%s\n' "$build_output" >&2
  echo "The build failed (above)." >&2
  exit 1
fi
# The runner takes this process's place, so Ctrl+C or a TERM to it reaches the runner alone and once (it says
# "Stopping...", stops the app, then Azurite, which it started in a session of its own, by PID), and its exit code is ours.
exec dotnet src/CallbackFunctions.LocalRun/bin/Release/net10.0/CallbackFunctions.LocalRun.dll "$@"
