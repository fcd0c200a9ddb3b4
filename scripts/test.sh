#!/usr/bin/env bash
# Builds everything and runs every test suite (.NET and dashboard) against a throwaway PostgreSQL
# cluster. Ends with one line: "N passed, N failed, N skipped". Exit status is non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/test.sh [--filter EXPR] [--no-dashboard] [--keep]
  --filter EXPR   only .NET tests matching a dotnet test filter (e.g. FullyQualifiedName~Runtime);
                  the scripts in scripts/test.d (chaos, backups, browser flows) run only without it
  --no-dashboard  skip the dashboard's lint, build, unit tests and browser flows
  --keep          keep the throwaway cluster and results folder for inspection
USAGE
}

FILTER="" DASHBOARD=1 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) FILTER="$2"; shift 2 ;;
    --no-dashboard) DASHBOARD=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fm_die "unknown option: $1" ;;
  esac
done

fm_ensure_tools
WORK="$(mktemp -d /tmp/fluidmanager-test.XXXXXX)"
chmod 755 "$WORK"
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
PG_PORT="$(fm_free_port)"
cleanup() {
  fm_pg_stop "$WORK/db"
  if [ "$KEEP" -eq 0 ]; then rm -rf "$WORK"; else fm_log "kept $WORK"; fi
}
trap cleanup EXIT

# A throwaway cluster: durability off for speed, room for one database per test class.
fm_pg_start "$WORK/db" "$PG_PORT" fsync=off synchronous_commit=off full_page_writes=off max_connections=500 shared_buffers=256MB
export FLUID_TEST_PG
FLUID_TEST_PG="$(fm_pg_connstr "$WORK/db" "$PG_PORT" postgres)"
export FLUID_TEST_PG_DATA="$WORK/db" FLUID_TEST_PG_PORT="$PG_PORT" FLUID_TEST_PG_BIN="$FM_PG_BIN"

PASSED=0 FAILED=0 SKIPPED=0 STATUS=0

if [ "$DASHBOARD" -eq 1 ]; then
  fm_build_dashboard --force
  fm_log "dashboard: lint, the OpenAPI contract's lint and unit tests"
  DASH="$FM_ROOT/src/Dashboard"
  # Each lint counts as one test.
  for check in lint api:lint; do
    if (cd "$DASH" && npm run --silent "$check"); then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
  done
  (cd "$DASH" && npx vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS/vitest.json") || STATUS=1
  if [ -f "$RESULTS/vitest.json" ]; then
    read -r p f s < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests,r.numFailedTests,r.numPendingTests+r.numTodoTests)' "$RESULTS/vitest.json")
    PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
  else
    FAILED=$((FAILED + 1))
  fi
fi

fm_build_dotnet Debug || { echo "0 passed, 1 failed"; exit 1; }
fm_log ".NET tests"
for project in "$FM_ROOT"/test/*/*.csproj; do
  grep -q '<IsTestProject>false</IsTestProject>' "$project" && continue
  name="$(basename "$project" .csproj)"
  TEST_ARGS=(test "$project" --no-build -nologo --results-directory "$RESULTS/dotnet/$name" --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --blame-hang-timeout 8m)
  [ -n "$FILTER" ] && TEST_ARGS+=(--filter "$FILTER")
  dotnet "${TEST_ARGS[@]}" || STATUS=1
done

TRX_COUNT=0
FAILURES=()
for trx in "$RESULTS"/dotnet/*/*.trx; do
  [ -f "$trx" ] || continue
  TRX_COUNT=$((TRX_COUNT + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  total=$(get total) executed=$(get executed) passed=$(get passed) failed=$(get failed) errors=$(get error)
  PASSED=$((PASSED + passed)) FAILED=$((FAILED + failed + errors)) SKIPPED=$((SKIPPED + total - executed))
done
# Each failed test with the first lines of its message, so that the reason is in the log.
if [ "$TRX_COUNT" -gt 0 ]; then
  while IFS= read -r line; do FAILURES+=("$line"); done < <(node "$FM_ROOT/scripts/lib/trx-failures.js" "$RESULTS"/dotnet/*/*.trx)
fi
if [ "$TRX_COUNT" -eq 0 ]; then
  fm_log "no .NET test results were written"
  FAILED=$((FAILED + 1))
fi

# Each script in test.d counts as one test, unless it writes its own counts ("passed failed skipped")
# to the file named by FLUID_TEST_COUNTS, as the browser flows do.
for extra in "$FM_ROOT"/scripts/test.d/*.sh; do
  [ -f "$extra" ] || continue
  [ -n "$FILTER" ] && continue
  name="$(basename "$extra" .sh)"
  [ "$DASHBOARD" -eq 0 ] && [[ "$name" == dashboard-* ]] && continue
  fm_log "$name"
  counts="$RESULTS/$name.counts"
  rm -f "$counts"
  if FLUID_TEST_COUNTS="$counts" bash "$extra" "$WORK"; then ok=1; else ok=0; fi
  if [ -s "$counts" ] && read -r p f s <"$counts"; then
    PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
    [ "$ok" -eq 1 ] || [ "$f" -gt 0 ] || FAILED=$((FAILED + 1))
    [ "$ok" -eq 1 ] || FAILURES+=("$name")
  elif [ "$ok" -eq 1 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)) FAILURES+=("$name"); fi
done

# The names of what failed, next to the counts, so that the end of a long log says what to look at.
if [ "${#FAILURES[@]}" -gt 0 ]; then
  echo "failed:"
  printf '  %s\n' "${FAILURES[@]}"
fi

[ "$FAILED" -gt 0 ] && STATUS=1
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
exit "$STATUS"
