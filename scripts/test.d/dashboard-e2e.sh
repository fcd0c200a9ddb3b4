#!/usr/bin/env bash
# The dashboard's browser flows: Debian's chromium, driven by playwright-core, against the real Api,
# one silo and PostgreSQL. scripts/test.sh runs it with its work folder as $1 and its throwaway
# cluster in FLUID_TEST_PG_*; run alone (scripts/test.d/dashboard-e2e.sh [WORK]) it builds what is
# missing and starts a cluster of its own. Screenshots and logs go to WORK/results/dashboard-e2e.
# Ends with "dashboard e2e: N passed, N failed, N skipped"; the exit status is non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

WORK="${1:-}"
shift || true # any further arguments go to vitest, e.g. a file name to run only its flows
STANDALONE=0
if [ -z "$WORK" ]; then
  WORK="$(mktemp -d -t fluidmanager-e2e.XXXXXX)"
  chmod 755 "$WORK"
fi
[ -n "${FLUID_TEST_PG_DATA:-}" ] || STANDALONE=1
OUT="$WORK/results/dashboard-e2e"
mkdir -p "$OUT"
DASH="$FM_ROOT/src/Dashboard"
CHROMIUM=/usr/bin/chromium

# What scripts/test.sh installs, plus the browser (Debian's own package: never a downloaded one).
[ -x "$CHROMIUM" ] || fm_apt_install chromium
[ -x "$CHROMIUM" ] || fm_die "chromium is not at $CHROMIUM after installing Debian's package"

PIDS=()
OWN_PG_DATA=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$OWN_PG_DATA" ] && fm_pg_stop "$OWN_PG_DATA"
  return 0
}
trap cleanup EXIT

if [ "$STANDALONE" -eq 1 ]; then
  fm_ensure_tools
  OWN_PG_DATA="$WORK/e2e-db"
  PG_DATA="$OWN_PG_DATA" PG_PORT="$(fm_free_port)"
  fm_pg_start "$PG_DATA" "$PG_PORT" fsync=off synchronous_commit=off full_page_writes=off
  fm_build_dotnet Debug || fm_die "the .NET build failed"
else
  PG_DATA="$FLUID_TEST_PG_DATA" PG_PORT="$FLUID_TEST_PG_PORT"
fi
fm_build_dashboard

API_DLL="$FM_ROOT/src/Api/bin/Debug/net10.0/FluidManager.Api.dll"
SILO_DLL="$FM_ROOT/src/Silo/bin/Debug/net10.0/FluidManager.Silo.dll"
[ -f "$API_DLL" ] && [ -f "$SILO_DLL" ] || fm_die "build the solution first (dotnet build FluidManager.slnx)"

DB="fluid_e2e_$$"
fm_pg_createdb "$PG_DATA" "$PG_PORT" "$DB"
fm_pg_setup "$PG_DATA" "$PG_PORT" "$DB"
API_PORT="$(fm_free_port)"
BASE_URL="http://127.0.0.1:$API_PORT"
PASSWORD="e2e-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
SILO_NAME="silo-e2e"

export ConnectionStrings__Fluid
ConnectionStrings__Fluid="$(fm_pg_app_connstr "$PG_DATA" "$PG_PORT" "$DB")"
export Fluid__Storage__Path="$OUT/objects" DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
export Fluid__Demo__Load=true
# Every process is an Orleans silo: any free ports, found by the others through membership.
export Fluid__Cluster__SiloPort=0 Fluid__Cluster__GatewayPort=0
# Every flow signs in through the form: lift the sign-in rate limit above what the flows need.
export Fluid__Auth__LoginAttemptsPerEmail=1000 Fluid__Auth__LoginAttemptsPerAddress=1000
# The offline model answers after 100 ms, as a person would see a meeting or a task go: an instant
# model runs a 50-round meeting to its end before a flow has typed the CEO's question.
export Fluid__Models__Offline__LatencyMs=100
# Agents on scripted:<name> models play the flows' scenarios (e2e/scenarios/<name>.json).
export Fluid__Models__Scripted__ScenarioPath="$DASH/e2e/scenarios"

fm_log "dashboard e2e: starting the Api on $BASE_URL and one silo"
ASPNETCORE_URLS="$BASE_URL" Fluid__Api__DashboardPath="$DASH/dist" Fluid__Bootstrap__OwnerPassword="$PASSWORD" \
  dotnet "$API_DLL" --contentRoot "$FM_ROOT/src/Api" >"$OUT/api.log" 2>&1 &
PIDS+=($!)
# The silo starts once the Api has applied the migrations.
for _ in $(seq 1 240); do
  curl -fsS --max-time 2 "$BASE_URL/health/ready" >/dev/null 2>&1 && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { tail -n 40 "$OUT/api.log" >&2; fm_die "the Api exited during start-up"; }
  sleep 0.5
done
curl -fsS --max-time 5 "$BASE_URL/health/ready" >/dev/null || fm_die "the Api did not become ready; see $OUT/api.log"
Fluid__Silo__Name="$SILO_NAME" dotnet "$SILO_DLL" --contentRoot "$FM_ROOT/src/Silo" >"$OUT/silo.log" 2>&1 &
PIDS+=($!)

STATUS=0
(cd "$DASH" && E2E_BASE_URL="$BASE_URL" E2E_EMAIL="owner@fluid.local" E2E_PASSWORD="$PASSWORD" \
  E2E_OUTPUT="$OUT" E2E_CHROMIUM="$CHROMIUM" E2E_SILO_NAME="$SILO_NAME" \
  npx vitest run --config e2e/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$OUT/results.json" "$@") || STATUS=1

if [ -f "$OUT/results.json" ]; then
  read -r passed failed skipped < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests,r.numFailedTests,r.numPendingTests+r.numTodoTests)' "$OUT/results.json")
else
  passed=0 failed=1 skipped=0
fi
[ "$failed" -gt 0 ] && STATUS=1
fm_log "dashboard e2e: screenshots in $OUT/screenshots"
echo "dashboard e2e: $passed passed, $failed failed, $skipped skipped"
[ -n "${FLUID_TEST_COUNTS:-}" ] && echo "$passed $failed $skipped" >"$FLUID_TEST_COUNTS"
exit "$STATUS"
