#!/usr/bin/env bash
# Benchmarks, measured side by side on one machine and one database in one run.
#   scripts/bench.sh runtime   turns, messages, activities and notifications against pgbench
#   scripts/bench.sh rag       hybrid retrieval over 100,000 chunks with ACL filtering: latency and HNSW recall;
#                              embedding throughput and hit@5 of the semantic and hashing models
#   scripts/bench.sh agents    tasks per second through the whole agent loop, 1 and 2 silos, 0 and 200 ms model latency
#   scripts/bench.sh memory    agents' memory retrieval: latency at 10,000 items per agent over 100 agents, hit@5 of the
#                              right lesson on a labelled set, tokens memory adds to a briefing
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/bench.sh runtime [--clients N] [--seconds S]
       scripts/bench.sh rag [--chunks N] [--queries N]
       scripts/bench.sh agents [--tasks N] [--agents N] [--slots N] [--embeddings MODEL]
       scripts/bench.sh memory [--memory-agents N] [--items N] [--queries N]
  runtime     pgbench TPC-B-like vs grain turns, one-grain turns vs commit rate, warm read-only
              calls, posted messages and no-op activities through one silo (activities_per_s: a
              backlog claimed, run, completed and delivered to its grains; scheduled_activities_per_s:
              each scheduled by a turn while the silo works), turn and notify latencies. The drivers of
              turns, reads, messages and activities are Orleans silos of the silo process's cluster
              (no pumps, no gateway): their calls go through Orleans to activations on either silo
  rag         synthetic chunks (384 dims, clustered, written with binary COPY) in 20 spaces with an ACL
              mix: p50/p95 of the hybrid retrieval statement as agents, recall@10 of the HNSW path vs
              exact search, the same with a halfvec index; MiniLM's sentences per second, and hit@5 of
              MiniLM and of the hashing model on 30 paraphrased questions over 30 short documents
  agents      offline model at 0 ms and 200 ms simulated latency, with 1 then 2 silo processes, each
              on a fresh database: tasks per second from creation to done, and the scaling ratio; then
              0 ms with 1 silo process at 1,000 agents and 5,000 tasks, and the managed heap per warm
              agent activation. The driver is an Orleans silo of the same cluster (grains, no pumps):
              activations may be placed on it, but messages and model calls run in the silo processes.
              Embeddings (each task's memory briefing and episode) use the hashing model, the embedder's
              own 0 ms: MiniLM costs tens of ms of CPU a sentence, which the cores the silos and
              PostgreSQL share would spend on it instead of the runtime (--embeddings offline for MiniLM)
  memory      synthetic memory items (384 dims, clustered, written with binary COPY) for 100 agents:
              p50/p95 of the product's retrieval statement searching one agent's items (as a briefing
              does) and one search's plan; then 30 lessons as the product writes them from the CEO's
              comment on an earlier task, and 30 unrelated facts, embedded with MiniLM, and 30 later task
              briefs of the same kinds in other words: hit@5 of the right lesson (and with the comments
              stored bare), and the tokens of each brief's memory section within
              Fluid:Memory:BriefingMaxTokens
  --clients   concurrent clients for pgbench and turns (default 8)
  --seconds   duration of each timed batch (default 20)
  --chunks    chunks loaded for rag (default 100000)
  --queries   queries measured for rag and memory (default 300)
  --memory-agents  agents with memory for memory (default 100)
  --items     memory items per agent for memory (default 10000)
  --tasks     tasks per agents run (default 240)
  --agents    developers the tasks are spread over (default 48)
  --slots     model calls each silo runs at once (default 4: with 200 ms calls one silo is then
              bound by its own capacity, not by the cores the silos and PostgreSQL share)
  --embeddings  embedding model of the agents runs (default offline:hashing)
USAGE
}
[ $# -ge 1 ] || { usage >&2; exit 2; }
SUITE="$1"; shift
CLIENTS=8 SECONDS_PER=20 CHUNKS=100000 QUERIES=300 TASKS=240 AGENTS=48 SLOTS=4 MEMORY_AGENTS=100 ITEMS=10000 EMBEDDINGS=offline:hashing
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    --seconds) SECONDS_PER="$2"; shift 2 ;;
    --chunks) CHUNKS="$2"; shift 2 ;;
    --queries) QUERIES="$2"; shift 2 ;;
    --tasks) TASKS="$2"; shift 2 ;;
    --agents) AGENTS="$2"; shift 2 ;;
    --slots) SLOTS="$2"; shift 2 ;;
    --embeddings) EMBEDDINGS="$2"; shift 2 ;;
    --memory-agents) MEMORY_AGENTS="$2"; shift 2 ;;
    --items) ITEMS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fm_die "unknown option: $1" ;;
  esac
done
case "$SUITE" in runtime|rag|agents|memory) ;; *) usage >&2; fm_die "unknown suite '$SUITE' (available: runtime, rag, agents, memory)" ;; esac

fm_ensure_tools
WORK="$(mktemp -d /tmp/fluidmanager-bench.XXXXXX)"
chmod 755 "$WORK"
PG_PORT="$(fm_free_port)"
SILO_PID=""
SILO_PIDS=()
cleanup() {
  [ -n "$SILO_PID" ] && kill -TERM "$SILO_PID" 2>/dev/null && wait "$SILO_PID" 2>/dev/null || true
  for pid in "${SILO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SILO_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  fm_pg_stop "$WORK/db"
  rm -rf "$WORK"
}
trap cleanup EXIT

# Default durability (fsync and synchronous commit on): both sides pay the same commit cost.
# The agents suite runs up to three silos (the driver is one), each with its own pool of up to 100
# connections: at 1,000 agents 200 connections ran out.
MAX_CONNECTIONS=200
[ "$SUITE" = "agents" ] && MAX_CONNECTIONS=400
fm_pg_start "$WORK/db" "$PG_PORT" max_connections="$MAX_CONNECTIONS" shared_buffers=256MB
fm_pg_createdb "$WORK/db" "$PG_PORT" bench
fm_pg_setup "$WORK/db" "$PG_PORT" bench
# The product's own role, not a superuser, as scripts/run.sh runs it.
export ConnectionStrings__Fluid
ConnectionStrings__Fluid="$(fm_pg_app_connstr "$WORK/db" "$PG_PORT" bench)"
export DOTNET_ENVIRONMENT=Production
value() { sed -nE "s/^$1=([0-9.]+).*/\1/p" <<<"$2" | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
if [ "$SUITE" = "rag" ]; then
  (cd "$FM_ROOT" && dotnet build test/Knowledge.Harness -c Release -nologo -clp:ErrorsOnly -warnaserror >/dev/null) || fm_die "knowledge harness build failed"
  fm_log "rag: $CHUNKS synthetic chunks with an ACL mix, HNSW and full-text indexes built after the load, $QUERIES queries; then the embedding models"
  dotnet "$FM_ROOT/test/Knowledge.Harness/bin/Release/net10.0/FluidManager.Knowledge.Harness.dll" bench-rag --chunks "$CHUNKS" --queries "$QUERIES"
  exit 0
fi
if [ "$SUITE" = "memory" ]; then
  (cd "$FM_ROOT" && dotnet build test/Work.Harness -c Release -nologo -clp:ErrorsOnly -warnaserror >/dev/null) || fm_die "work harness build failed"
  WORK_HARNESS=(dotnet "$FM_ROOT/test/Work.Harness/bin/Release/net10.0/FluidManager.Work.Harness.dll")
  "${WORK_HARNESS[@]}" migrate >/dev/null
  fm_log "memory: $ITEMS synthetic items for each of $MEMORY_AGENTS agents, $QUERIES searches; then a labelled set of 30 lessons with MiniLM"
  "${WORK_HARNESS[@]}" bench-recall "$MEMORY_AGENTS" "$ITEMS" "$QUERIES"
  exit 0
fi
if [ "$SUITE" = "agents" ]; then
  export Fluid__Models__Embeddings__Model="$EMBEDDINGS"
  (cd "$FM_ROOT" && dotnet build test/Work.Harness -c Release -nologo -clp:ErrorsOnly -warnaserror >/dev/null) || fm_die "work harness build failed"
  WORK_HARNESS=(dotnet "$FM_ROOT/test/Work.Harness/bin/Release/net10.0/FluidManager.Work.Harness.dll")
  # One run: a fresh database, N silo processes with the given model latency, then the timed tasks
  # (TASKS over AGENTS within 600 s unless a third, fourth and fifth argument say otherwise).
  agents_run() {
    local latency="$1" silos="$2" tasks="${3:-$TASKS}" agents="${4:-$AGENTS}" timeout="${5:-600}" out i
    local db="agents_${1}ms_${2}silos_${tasks}tasks_${agents}agents"
    fm_pg_createdb "$WORK/db" "$PG_PORT" "$db"
    fm_pg_setup "$WORK/db" "$PG_PORT" "$db"
    local connection
    connection="$(fm_pg_app_connstr "$WORK/db" "$PG_PORT" "$db")"
    ConnectionStrings__Fluid="$connection" "${WORK_HARNESS[@]}" migrate >/dev/null
    SILO_PIDS=()
    # This runs in a subshell: stop its own silos however it ends.
    trap 'for pid in "${SILO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done' EXIT
    for i in $(seq 1 "$silos"); do
      ConnectionStrings__Fluid="$connection" Fluid__Models__Offline__LatencyMs="$latency" Fluid__Silo__ActivitySlots="$SLOTS" \
        "${WORK_HARNESS[@]}" work-silo "bench-silo-$i" >"$WORK/silo-$db-$i.log" 2>&1 &
      SILO_PIDS+=($!)
    done
    for _ in $(seq 1 120); do
      [ "$(fm_psql "$WORK/db" "$PG_PORT" "$db" -tAc "SELECT count(*) FROM orleansmembershiptable WHERE status = 3" 2>/dev/null || echo 0)" -ge "$silos" ] && break
      sleep 0.5
    done
    out="$(ConnectionStrings__Fluid="$connection" Fluid__Models__Offline__LatencyMs="$latency" "${WORK_HARNESS[@]}" bench-agents "$tasks" "$agents" "$timeout")" || { echo "$out" >&2; fm_die "the agents run at ${latency} ms with $silos silo(s) did not finish; logs in $WORK"; }
    for pid in "${SILO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${SILO_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    SILO_PIDS=()
    echo "$out" | sed "s/^/  /" >&2
    value tasks_per_s "$out"
  }
  fm_log "agents: managed heap per warm agent activation (1000 agents, the driver as the only silo of a fresh database)"
  fm_pg_createdb "$WORK/db" "$PG_PORT" agents_memory
  fm_pg_setup "$WORK/db" "$PG_PORT" agents_memory
  MEMORY_DB="$(fm_pg_app_connstr "$WORK/db" "$PG_PORT" agents_memory)"
  ConnectionStrings__Fluid="$MEMORY_DB" "${WORK_HARNESS[@]}" migrate >/dev/null
  MEMORY="$(ConnectionStrings__Fluid="$MEMORY_DB" "${WORK_HARNESS[@]}" bench-memory 1000)" || { echo "$MEMORY" >&2; fm_die "the memory run failed"; }
  echo "$MEMORY" | sed "s/^/  /" >&2
  declare -A RESULT
  for latency in 0 200; do
    for silos in 1 2; do
      fm_log "agents: $TASKS tasks over $AGENTS agents, offline model at ${latency} ms, $silos silo(s) with $SLOTS model calls each at once"
      RESULT["$latency-$silos"]="$(agents_run "$latency" "$silos")"
    done
  done
  fm_log "agents: 5000 tasks over 1000 agents, offline model at 0 ms, 1 silo with $SLOTS model calls at once"
  # Not fatal: when this run fails (it has: the driver silo's pool of 100 connections ran dry at 1,000
  # agents), the figures above are still printed.
  RESULT["0-1-1000"]="$(agents_run 0 1 5000 1000 1800)" || RESULT["0-1-1000"]="unfinished"
  echo "tasks=$TASKS agents=$AGENTS slots_per_silo=$SLOTS embeddings=$EMBEDDINGS cores=$(nproc)"
  for latency in 0 200; do
    for silos in 1 2; do echo "tasks_per_s_${latency}ms_${silos}silo=${RESULT[$latency-$silos]}"; done
  done
  echo "scaling_0ms=$(ratio "${RESULT[0-2]}" "${RESULT[0-1]}")"
  echo "scaling_200ms=$(ratio "${RESULT[200-2]}" "${RESULT[200-1]}") (target >= 1.80)"
  echo "tasks_per_s_0ms_1silo_1000agents=${RESULT[0-1-1000]} (5000 tasks)"
  echo "bytes_per_activation=$(value bytes_per_activation "$MEMORY") (live managed heap of the silo after full GCs, grown by waking 1000 agent grains, per activation added)"
  exit 0
fi
(cd "$FM_ROOT" && dotnet build test/Runtime.Harness -c Release -nologo -clp:ErrorsOnly -warnaserror >/dev/null) || fm_die "harness build failed"
HARNESS=(dotnet "$FM_ROOT/test/Runtime.Harness/bin/Release/net10.0/FluidManager.Runtime.Harness.dll")
"${HARNESS[@]}" migrate >/dev/null

fm_log "pgbench (TPC-B-like, $CLIENTS clients, ${SECONDS_PER}s)"
export PGPASSWORD
PGPASSWORD="$(cat "$WORK/db/secrets/pg-password")"
"$FM_PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U fluid -i -s 10 -q bench >/dev/null 2>&1
PGB="$("$FM_PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U fluid -c "$CLIENTS" -j 2 -T "$SECONDS_PER" bench 2>/dev/null)"
PGBENCH_TPS=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$PGB" | head -1)

# One silo process from here on; each driver below joins its cluster as a second silo.
"${HARNESS[@]}" silo bench-silo >"$WORK/silo.log" 2>&1 &
SILO_PID=$!
fm_log "grain turns through Orleans ($CLIENTS clients, ${SECONDS_PER}s on distinct grains, then ${SECONDS_PER}s on one grain, then ${SECONDS_PER}s of warm reads)"
TURNS="$("${HARNESS[@]}" bench-turns "$CLIENTS" "$SECONDS_PER")"
fm_log "commit latency of a trivial transaction (${SECONDS_PER}s)"
COMMIT="$("${HARNESS[@]}" bench-commit "$SECONDS_PER")"

fm_log "one silo: posted messages and no-op activities"
MSG="$("${HARNESS[@]}" bench-messages 20000)"
SCHED="$("${HARNESS[@]}" bench-activities 5000)"
kill -TERM "$SILO_PID"; wait "$SILO_PID" 2>/dev/null || true; SILO_PID=""
fm_log "one silo: 5000 no-op activities scheduled beforehand, claimed, run, completed and delivered"
SEED="$("${HARNESS[@]}" bench-activities-seed 5000)"
"${HARNESS[@]}" silo bench-silo >>"$WORK/silo.log" 2>&1 &
SILO_PID=$!
ACT="$("${HARNESS[@]}" bench-activities-drain 5000 "$(value outcomes_before "$SEED")")"
kill -TERM "$SILO_PID"; wait "$SILO_PID" 2>/dev/null || true; SILO_PID=""
fm_log "notify to listener (500 events)"
NOTIFY="$("${HARNESS[@]}" bench-notify 500)"

TURNS_PS=$(value turns_per_s "$TURNS") ONE_PS=$(value one_grain_turns_per_s "$TURNS") READS_PS=$(value warm_reads_per_s "$TURNS")
COMMIT_RATE=$(value commit_rate "$COMMIT") MSG_PS=$(value posted_messages_per_s "$MSG") ACT_PS=$(value activities_per_s "$ACT")
echo "clients=$CLIENTS seconds_per_batch=$SECONDS_PER cores=$(nproc)"
echo "pgbench_tps=$PGBENCH_TPS"
echo "turns_per_s=$TURNS_PS"
echo "one_grain_turns_per_s=$ONE_PS"
echo "warm_reads_per_s=$READS_PS ([ReadOnly] calls answered from the memory of warm activations, no database round trip)"
echo "commit_rate=$COMMIT_RATE ($(value commit_median_ms "$COMMIT") ms median)"
echo "posted_messages_per_s=$MSG_PS"
echo "activities_per_s=$ACT_PS"
echo "scheduled_activities_per_s=$(value scheduled_activities_per_s "$SCHED") (scheduled one per turn by $CLIENTS clients while the silo works)"
echo "turn_p50_ms=$(value turn_p50_ms "$TURNS")"
echo "turn_p99_ms=$(value turn_p99_ms "$TURNS")"
echo "notify_to_listener_p50_ms=$(value notify_to_listener_p50_ms "$NOTIFY")"
echo "notify_to_listener_p99_ms=$(value notify_to_listener_p99_ms "$NOTIFY")"
echo "ratio_one_grain_to_commit_rate=$(ratio "$ONE_PS" "$COMMIT_RATE") (target >= 0.50)"
echo "ratio_activities_to_pgbench=$(ratio "$ACT_PS" "$PGBENCH_TPS") (target >= 0.50)"
echo "ratio_turns_to_pgbench=$(ratio "$TURNS_PS" "$PGBENCH_TPS")"
echo "ratio_warm_reads_to_pgbench=$(ratio "$READS_PS" "$PGBENCH_TPS")"
