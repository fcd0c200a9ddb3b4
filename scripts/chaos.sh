#!/usr/bin/env bash
# Chaos run of the runtime: 3 silo processes on one database, messages and activities pushed
# through test grains while silos are killed with SIGKILL (and restarted) and PostgreSQL is
# restarted once; then, at quiescence, invariants are checked from the database.
# Last line: messages=… activities=… kills=… lost=0 duplicated=0 overlapping_turns=0
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

MESSAGES=10000 ACTIVITIES=2000 KILLS=20 SILOS=3
usage() {
  cat <<USAGE
Usage: scripts/chaos.sh [--quick] [--messages N] [--activities N] [--kills N]
  --quick         a short run (1500 messages, 300 activities, 4 kills) as scripts/test.sh uses
USAGE
}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MESSAGES=1500 ACTIVITIES=300 KILLS=4; shift ;;
    --messages) MESSAGES="$2"; shift 2 ;;
    --activities) ACTIVITIES="$2"; shift 2 ;;
    --kills) KILLS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fm_die "unknown option: $1" ;;
  esac
done

fm_ensure_tools
WORK="$(mktemp -d /tmp/fluidmanager-chaos.XXXXXX)"
chmod 755 "$WORK"
PG_PORT="$(fm_free_port)"
declare -a PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  fm_pg_stop "$WORK/db"
  rm -rf "$WORK"
}
trap cleanup EXIT

fm_pg_start "$WORK/db" "$PG_PORT" fsync=off synchronous_commit=off full_page_writes=off max_connections=300
fm_pg_createdb "$WORK/db" "$PG_PORT" chaos
fm_pg_setup "$WORK/db" "$PG_PORT" chaos
# The product's own role, not a superuser, as scripts/run.sh runs it.
export ConnectionStrings__Fluid
ConnectionStrings__Fluid="$(fm_pg_app_connstr "$WORK/db" "$PG_PORT" chaos)"
# Short leases so that work held by a killed silo comes back quickly.
export Fluid__Silo__ActivityLease=00:00:03 Fluid__Silo__InboxLease=00:00:03 Fluid__Silo__PollInterval=00:00:00.100
export Fluid__Runtime__MaxMessageAttempts=50 DOTNET_ENVIRONMENT=Production

(cd "$FM_ROOT" && dotnet build test/Runtime.Harness -c Release -nologo -clp:ErrorsOnly -warnaserror >/dev/null) || fm_die "harness build failed"
HARNESS=(dotnet "$FM_ROOT/test/Runtime.Harness/bin/Release/net10.0/FluidManager.Runtime.Harness.dll")
"${HARNESS[@]}" migrate >/dev/null

start_silo() { "${HARNESS[@]}" silo "silo-$1" >>"$WORK/silo-$1.log" 2>&1 & PIDS[$1]=$!; }
for i in $(seq 0 $((SILOS - 1))); do start_silo "$i"; done

START=$(date +%s)
PER_ROUND_M=$(( (MESSAGES + KILLS - 1) / KILLS )) PER_ROUND_A=$(( (ACTIVITIES + KILLS - 1) / KILLS ))
SEEDED_M=0 SEEDED_A=0 KILLED=0 PG_RESTARTS=0 SELF_EXITS=0
for round in $(seq 1 "$KILLS"); do
  m=$(( MESSAGES - SEEDED_M < PER_ROUND_M ? MESSAGES - SEEDED_M : PER_ROUND_M ))
  a=$(( ACTIVITIES - SEEDED_A < PER_ROUND_A ? ACTIVITIES - SEEDED_A : PER_ROUND_A ))
  "${HARNESS[@]}" seed "$m" "$a" >>"$WORK/seed.log" 2>&1 &
  SEED=$!
  sleep "0.$(shuf -i 3-9 -n 1)"
  victim=$(shuf -i 0-$((SILOS - 1)) -n 1)
  if ! kill -0 "${PIDS[$victim]}" 2>/dev/null; then
    # It ended by itself: a silo the cluster declared dead (say, during the PostgreSQL restart)
    # stops, as Orleans silos do. Bring it back so that this round kills a running silo.
    SELF_EXITS=$((SELF_EXITS + 1))
    start_silo "$victim"
    sleep 1
  fi
  kill -9 "${PIDS[$victim]}" 2>/dev/null && KILLED=$((KILLED + 1))
  wait "${PIDS[$victim]}" 2>/dev/null || true
  if [ "$round" -eq $(( KILLS / 2 )) ]; then
    fm_log "restarting PostgreSQL"
    fm_as_pg "$FM_PG_BIN/pg_ctl" -D "$WORK/db/pg" -l "$WORK/db/logs/postgres.log" -m fast -w restart >/dev/null
    PG_RESTARTS=$((PG_RESTARTS + 1))
  fi
  start_silo "$victim"
  wait "$SEED" || fm_die "seeding failed: see output above"
  SEEDED_M=$((SEEDED_M + m)) SEEDED_A=$((SEEDED_A + a))
  printf '\r  round %d/%d: seeded %d messages, %d activities, %d kills' "$round" "$KILLS" "$SEEDED_M" "$SEEDED_A" "$KILLED" >&2
done
echo >&2

"${HARNESS[@]}" wait-quiet 300 >&2 || true
ELAPSED=$(( $(date +%s) - START ))
set +e
OUT="$("${HARNESS[@]}" check)"
STATUS=$?
set -e
echo "$OUT" | grep '^detail:' >&2
echo "elapsed=${ELAPSED}s silos=$SILOS pg_restarts=$PG_RESTARTS silos_that_stopped_themselves=$SELF_EXITS" >&2
echo "$(echo "$OUT" | grep '^messages=' | sed "s/ lost=/ kills=$KILLED lost=/")"
exit "$STATUS"
