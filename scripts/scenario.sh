#!/usr/bin/env bash
# Plays a scenario file against a running Api: prints PASS or FAIL for every expectation, then
# "N passed, N failed"; exits non-zero when anything failed. See scenarios/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  cat <<USAGE
Usage: scripts/scenario.sh FILE [--url URL] [--token T | --email E --password P] [--new-company [NAME]]
  --url URL           the Api (default http://127.0.0.1:5080, or FLUID_URL)
  --token T           a personal API token (or FLUID_TOKEN); plays into the token's company
  --email E --password P
                      sign in instead (or FLUID_EMAIL and FLUID_PASSWORD)
  --new-company [NAME]
                      create a company for the scenario and play into it (needs --email)
Exit status: 0 every expectation passed, 1 something failed, 2 the file or the connection is unusable.
USAGE
}

case "${1:-}" in -h|--help|"") usage; [ -n "${1:-}" ]; exit $? ;; esac

CLI="$ROOT/src/Cli/bin/Release/net10.0/FluidManager.Cli.dll"
if [ ! -f "$CLI" ] || [ -n "$(find "$ROOT/src/Cli" "$ROOT/src/Scenarios" -name '*.cs' -newer "$CLI" -print -quit)" ]; then
  (cd "$ROOT" && dotnet build src/Cli/Cli.csproj -c Release -nologo -clp:ErrorsOnly -warnaserror) >&2
fi
exec dotnet "$CLI" scenario "$@"
