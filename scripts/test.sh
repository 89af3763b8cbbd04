#!/usr/bin/env bash
# Runs Medley's tests: installs and builds what is missing first (see setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDLEY_WITH_PYTHON=1 "$ROOT/scripts/setup.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
status=0
dotnet test "$ROOT/Medley.slnx" -c "${MEDLEY_CONFIGURATION:-Release}" --no-build "$@" 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "Tests: $passed passed, $failed failed"
exit $status
