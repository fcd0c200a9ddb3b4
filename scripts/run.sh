#!/usr/bin/env bash
# Runs fluidManager on its embedded defaults: a local PostgreSQL cluster under a data folder,
# the API (which serves the dashboard) and one silo. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/run.sh [options]

Sets up what is missing (PostgreSQL ${FM_PG_MAJOR}, pgvector, packages), starts a local PostgreSQL
cluster, applies migrations, starts the API and one silo, and prints the URL to open.

Options:
  --port N        HTTP port of the API and dashboard (default 5080)
  --pg-port N     port of the local PostgreSQL cluster (default 54329)
  --data DIR      data folder: database cluster, artifacts, logs (default .data in the repo)
  --silos N       number of silo processes (default 1)
  --reset         delete the data folder first (asks no question: all data is lost)
  --no-demo       do not load the demo company on first start
  -h, --help      show this help
Environment: any setting can be given as an environment variable, e.g. Fluid__Llm__ApiKey=...
USAGE
}

PORT=5080 PG_PORT=54329 DATA="$FM_ROOT/.data" SILOS=1 RESET=0 DEMO=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --pg-port) PG_PORT="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --silos) SILOS="$2"; shift 2 ;;
    --reset) RESET=1; shift ;;
    --no-demo) DEMO=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fm_die "unknown option: $1" ;;
  esac
done
mkdir -p "$DATA" && DATA="$(cd "$DATA" && pwd)"

if [ "$RESET" -eq 1 ]; then
  fm_log "resetting $DATA"
  fm_pg_stop "$DATA"
  rm -rf "$DATA" && mkdir -p "$DATA"
fi

fm_ensure_tools
PG_WAS_RUNNING=0
if [ -f "$DATA/pg/PG_VERSION" ] && fm_as_pg "$FM_PG_BIN/pg_ctl" -D "$DATA/pg" status >/dev/null 2>&1; then PG_WAS_RUNNING=1; fi

# Installed before PostgreSQL starts, so that a failed or interrupted build does not leave it running.
PIDS=()
cleanup() {
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not cut the shutdown short
  fm_log "stopping"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # A silo drains for up to Fluid:Silo:DrainGrace (20 s) and its host allows 10 s more.
  local deadline=$((SECONDS + 45))
  for pid in "${PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      fm_log "process $pid did not stop in time; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ "$PG_WAS_RUNNING" -eq 0 ]; then fm_pg_stop "$DATA"; fi
  fm_log "stopped; data kept in $DATA"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

fm_pg_start "$DATA" "$PG_PORT"
fm_pg_createdb "$DATA" "$PG_PORT" fluid
fm_pg_setup "$DATA" "$PG_PORT" fluid || fm_die "the database setup failed (errors above)"
fm_build_dotnet Release || fm_die "the .NET build failed (errors above)"
fm_build_dashboard

export ConnectionStrings__Fluid
ConnectionStrings__Fluid="$(fm_pg_app_connstr "$DATA" "$PG_PORT" fluid)"
export Fluid__Storage__Path="$DATA/objects"
export Fluid__Demo__Load="$([ "$DEMO" -eq 1 ] && echo true || echo false)"
export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production

# Each process is an Orleans silo with its own silo and gateway ports; membership in PostgreSQL
# tells the others where to find it.
USED_PORTS=" $PORT $PG_PORT "
orleans_ports() {
  local port ports=""
  for _ in 1 2; do
    port="$(fm_free_port)"
    while [[ "$USED_PORTS" == *" $port "* ]]; do port="$(fm_free_port)"; done
    USED_PORTS+="$port " ports+="$port "
  done
  read -r SILO_PORT GATEWAY_PORT <<<"$ports"
}

BIN="$FM_ROOT/src"
for log in api $(seq -f 'silo-%g' 1 "$SILOS"); do
  printf '\n==== %s started by scripts/run.sh ====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$DATA/logs/$log.log"
done
orleans_ports
Fluid__Silo__Name="api" Fluid__Cluster__SiloPort="$SILO_PORT" Fluid__Cluster__GatewayPort="$GATEWAY_PORT" \
ASPNETCORE_URLS="http://127.0.0.1:$PORT" Fluid__Api__DashboardPath="$FM_ROOT/src/Dashboard/dist" \
  dotnet "$BIN/Api/bin/Release/net10.0/FluidManager.Api.dll" --contentRoot "$BIN/Api" >>"$DATA/logs/api.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 "$SILOS"); do
  orleans_ports
  Fluid__Silo__Name="silo-$i" Fluid__Cluster__SiloPort="$SILO_PORT" Fluid__Cluster__GatewayPort="$GATEWAY_PORT" dotnet "$BIN/Silo/bin/Release/net10.0/FluidManager.Silo.dll" --contentRoot "$BIN/Silo" >>"$DATA/logs/silo-$i.log" 2>&1 &
  PIDS+=($!)
done

for _ in $(seq 1 240); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; then break; fi
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$DATA"/logs/api.log "$DATA"/logs/silo-*.log >&2; fm_die "a process exited during start-up (logs above, full logs in $DATA/logs)"; }
  done
  sleep 0.5
done
curl -fsS --max-time 5 "http://127.0.0.1:$PORT/health/ready" >/dev/null || fm_die "the API did not become ready; see $DATA/logs/api.log"

grep -h "owner account" "$DATA/logs/api.log" 2>/dev/null | tail -n 2 || true
echo
echo "  fluidManager is running:  http://127.0.0.1:$PORT"
echo "  API documentation:        http://127.0.0.1:$PORT/swagger"
echo "  logs:                     $DATA/logs"
echo "  Ctrl-C to stop (data is kept)."
echo
wait -n "${PIDS[@]}" || true
fm_die "a process exited unexpectedly; see $DATA/logs"
