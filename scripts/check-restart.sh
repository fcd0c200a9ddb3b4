#!/usr/bin/env bash
# Proves that data survives Ctrl-C and a restart. Starts scripts/run.sh on a throwaway data folder,
# writes a marker row, stops run.sh the way Ctrl-C does, checks that none of its processes is left,
# starts it again and reads the marker back. Ends with "restart check: ok (...)" and exit 0, or
# with the reason and exit 1.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/check-restart.sh [--ready-limit SECONDS] [--keep]
  --ready-limit N  longest acceptable time from start to /health/ready (default 120; the build is done first)
  --keep           keep the data folder and logs for inspection
USAGE
}

READY_LIMIT=120 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ready-limit) READY_LIMIT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fm_die "unknown option: $1" ;;
  esac
done

WORK="$(mktemp -d /tmp/fluidmanager-restart.XXXXXX)"
chmod 755 "$WORK" # the 'postgres' user must reach the data folder inside
DATA="$WORK/data"
PORT="$(fm_free_port)"
PG_PORT="$(fm_free_port)"
while [ "$PG_PORT" = "$PORT" ]; do PG_PORT="$(fm_free_port)"; done
URL="http://127.0.0.1:$PORT"
RUN_PID=""
RUN_LOG=""

# Processes that belong to this data folder: the PostgreSQL cluster (its command line names the
# folder) and the API and silos (their environment does). Build servers are shared and not counted.
leftovers() {
  local dir pid cmd
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    [ "$pid" = "$$" ] && continue
    { cmd="$(tr '\0' ' ' <"$dir/cmdline")"; } 2>/dev/null || continue
    if [[ "$cmd" == *"$DATA"* ]] || { tr '\0' '\n' <"$dir/environ" | grep -qF -- "$DATA"; } 2>/dev/null; then
      printf '%s %s\n' "$pid" "${cmd:0:120}"
    fi
  done
}

# Signals run.sh's process group like Ctrl-C in a terminal, and waits up to 90 s for run.sh to exit.
stop_run() {
  [ -n "$RUN_PID" ] || return 0
  kill -INT -- "-$RUN_PID" 2>/dev/null || true
  local deadline=$((SECONDS + 90))
  while kill -0 "$RUN_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$RUN_PID" 2>/dev/null; then
    kill -KILL -- "-$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
    RUN_PID=""
    return 1
  fi
  wait "$RUN_PID" 2>/dev/null || true
  RUN_PID=""
}

cleanup() {
  trap - EXIT INT TERM
  stop_run || true
  # Whatever a failed check left behind: the cluster first, then any process of the folder.
  [ -d "$DATA/pg" ] && fm_pg_stop "$DATA"
  local pid
  for pid in $(leftovers | awk '{print $1}'); do kill -KILL "$pid" 2>/dev/null || true; done
  if [ "$KEEP" -eq 1 ]; then fm_log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  printf 'restart check: failed: %s\n' "$*"
  if [ -n "$RUN_LOG" ] && [ -f "$RUN_LOG" ]; then
    printf -- '--- %s (last lines)\n' "$(basename "$RUN_LOG")"
    tail -n 20 "$RUN_LOG"
  fi
  for log in "$DATA"/logs/api.log "$DATA"/logs/silo-1.log; do
    [ -f "$log" ] || continue
    printf -- '--- %s (last lines)\n' "$(basename "$log")"
    tail -n 15 "$log"
  done
  exit 1
}

now_ms() { date +%s%3N; }
seconds_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# Starts run.sh in its own session (its process group id is its pid). Background jobs of a script
# inherit an ignored SIGINT, which run.sh could not trap: env restores the default first.
start_run() {
  RUN_LOG="$WORK/run-$1.log"
  setsid env --default-signal=INT,QUIT "$FM_ROOT/scripts/run.sh" \
    --data "$DATA" --port "$PORT" --pg-port "$PG_PORT" --no-demo >"$RUN_LOG" 2>&1 </dev/null &
  RUN_PID=$!
}

# Waits for /health/ready to answer 200; sets READY to the seconds it took.
READY=""
wait_ready() {
  local started="$1" code
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/health/ready" 2>/dev/null || true)"
    [ "$code" = "200" ] && break
    kill -0 "$RUN_PID" 2>/dev/null || { wait "$RUN_PID" 2>/dev/null || true; RUN_PID=""; fail "scripts/run.sh exited before the API was ready"; }
    [ "$(( $(now_ms) - started ))" -gt 300000 ] && fail "/health/ready did not answer 200 within 300 s (last status: ${code:-none})"
    sleep 0.2
  done
  READY="$(seconds_since "$started")"
  awk -v t="$READY" -v l="$READY_LIMIT" 'BEGIN { exit !(t <= l) }' || fail "ready took ${READY}s, more than the ${READY_LIMIT}s allowed"
}

# Stops run.sh like Ctrl-C and checks that nothing of the data folder is still running.
stop_and_check() {
  stop_run || fail "scripts/run.sh did not exit within 90 s of SIGINT"
  grep -q "stopped; data kept in" "$RUN_LOG" || fail "scripts/run.sh exited without reporting a clean stop"
  local left
  left="$(leftovers)"
  [ -z "$left" ] || fail "processes of $DATA still run after run.sh exited:"$'\n'"$left"
  [ ! -f "$DATA/pg/postmaster.pid" ] || fail "PostgreSQL's postmaster.pid remains: the cluster was not shut down cleanly"
}

# The timed starts measure a warm start: build the solution and the dashboard first.
fm_ensure_tools
fm_build_dotnet Release
fm_build_dashboard

fm_log "first start (data in $DATA, port $PORT, PostgreSQL port $PG_PORT)"
t0="$(now_ms)"
start_run 1
wait_ready "$t0"
FIRST="$READY"
for _ in $(seq 1 50); do grep -q "fluidManager is running" "$RUN_LOG" && break; sleep 0.2; done
grep -q "fluidManager is running:  $URL" "$RUN_LOG" || fail "run.sh did not print the URL once ready"
fm_log "ready in ${FIRST}s"

MARKER="restart-$(date +%s)-$RANDOM"
fm_psql "$DATA" "$PG_PORT" fluid \
  -c "CREATE TABLE IF NOT EXISTS public.restart_marker (id text PRIMARY KEY)" \
  -c "INSERT INTO public.restart_marker (id) VALUES ('$MARKER')" >/dev/null \
  || fail "could not write the marker row"

fm_log "stopping with SIGINT (as Ctrl-C)"
stop_and_check

fm_log "second start"
t1="$(now_ms)"
start_run 2
wait_ready "$t1"
SECOND="$READY"
fm_log "ready in ${SECOND}s"

found="$(fm_psql "$DATA" "$PG_PORT" fluid -tAc "SELECT count(*) FROM public.restart_marker WHERE id = '$MARKER'" 2>&1)" \
  || fail "could not read the marker row: $found"
[ "$found" = "1" ] || fail "the marker row written before the restart is gone"

fm_log "stopping again"
stop_and_check

echo "restart check: ok (ready in ${FIRST}s, restarted ready in ${SECOND}s)"
