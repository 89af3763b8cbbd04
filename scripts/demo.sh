#!/usr/bin/env bash
# Runs Medley's demo on built-in synthetic data (installs and builds what is missing first; see setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
exec dotnet "$ROOT/src/Medley.Cli/bin/${MEDLEY_CONFIGURATION:-Release}/net10.0/medley.dll" demo "$@"
