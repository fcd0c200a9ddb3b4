#!/usr/bin/env bash
# Backs up a running company (tasks, a meeting, an artifact with its bytes, a knowledge document)
# with scripts/backup.sh, restores it with scripts/restore.sh into a new data folder, starts the
# product on the restore and finds everything over HTTP, the artifact's bytes included. Also checks
# that restore refuses a non-empty target and a damaged backup. Counts as one test.
# Uses the Debug build that scripts/test.sh has just made.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

WORK="$(mktemp -d "${1:-/tmp}/backup-restore.XXXXXX")"
chmod 755 "$WORK"
PASSWORD="owner-password-for-backup-test"
BIN="$FM_ROOT/src/%s/bin/Debug/net10.0/FluidManager.%s.dll"
for host in Api Silo; do
  # shellcheck disable=SC2059
  [ -f "$(printf "$BIN" "$host" "$host")" ] || fm_die "build the solution (Debug) first: $(printf "$BIN" "$host" "$host") is missing"
done
PIDS=()

# Stops the Api and the silo (SIGTERM, as run.sh does) and waits for them.
stop_api() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 450); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
cleanup() {
  stop_api
  fm_pg_stop "$WORK/first"
  fm_pg_stop "$WORK/restored"
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  printf 'backup-restore: failed: %s\n' "$*" >&2
  for log in "$WORK"/Api-*.log "$WORK"/Silo-*.log; do
    [ -f "$log" ] || continue
    printf -- '--- %s (last lines)\n' "$(basename "$log")" >&2
    tail -n 25 "$log" >&2
  done
  exit 1
}

# start_api DATA PG_PORT NAME: the Api and one silo on the data folder, as scripts/run.sh starts
# them (the silo runs the activities, such as a document's ingestion); sets URL.
start_api() {
  local data="$1" pg_port="$2" name="$3" port host pid
  port="$(fm_free_port)"
  URL="http://127.0.0.1:$port"
  fm_pg_setup "$data" "$pg_port" fluid || fm_die "the database setup failed"
  for host in Api Silo; do
    # shellcheck disable=SC2059
    ConnectionStrings__Fluid="$(fm_pg_app_connstr "$data" "$pg_port" fluid)" Fluid__Storage__Path="$data/objects" \
    Fluid__Bootstrap__OwnerPassword="$PASSWORD" Fluid__Demo__Load=true \
    Fluid__Cluster__SiloPort=0 Fluid__Cluster__GatewayPort=0 Fluid__Cluster__FastMembership=true Fluid__Silo__Name="$host" \
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$URL" Logging__LogLevel__Polly=Warning \
      dotnet "$(printf "$BIN" "$host" "$host")" --contentRoot "$FM_ROOT/src/$host" >"$WORK/$host-$name.log" 2>&1 &
    PIDS+=($!)
  done
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/health/ready" || true)" = "200" ] && return 0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || fail "a host ($name) exited during start-up"; done
    sleep 0.2
  done
  fail "the Api ($name) did not become ready in 120 s"
}

# api METHOD PATH [curl args...]: a call as the signed-in owner; prints the body, fails on an error status.
api() {
  local method="$1" path="$2"; shift 2
  local out status
  out="$(curl -sS -b "$WORK/cookies" -c "$WORK/cookies" -X "$method" -w '\n%{http_code}' "$URL$path" "$@")" || fail "$method $path: no answer"
  status="${out##*$'\n'}"
  [[ "$status" == 2* ]] || fail "$method $path answered $status: ${out%$'\n'*}"
  printf '%s' "${out%$'\n'*}"
}
sign_in() {
  rm -f "$WORK/cookies"
  api POST /api/auth/login -H 'Content-Type: application/json' -d "{\"email\":\"owner@fluid.local\",\"password\":\"$PASSWORD\"}" >/dev/null
}

# ---- a company with tasks, a meeting, an artifact and a knowledge document
PG1="$(fm_free_port)"
fm_pg_start "$WORK/first" "$PG1"
fm_pg_createdb "$WORK/first" "$PG1" fluid
start_api "$WORK/first" "$PG1" first
sign_in
MARK="backup-$RANDOM$RANDOM"
AGENTS="$(api GET /api/agents)"
CTO="$(jq -r '[.[] | select(.profile.role == "CTO")][0].id' <<<"$AGENTS")"
CFO="$(jq -r '[.[] | select(.profile.role != "CTO")][0].id' <<<"$AGENTS")"
[[ "$CTO" =~ ^[0-9]+$ && "$CFO" =~ ^[0-9]+$ ]] || fail "the demo company has no agents to work with: $AGENTS"
TASK="$(api POST /api/tasks -H 'Content-Type: application/json' \
  -d "{\"title\":\"Task $MARK\",\"description\":\"Kept across a backup\",\"assigneeAgentId\":$CTO,\"priority\":\"high\"}" | jq -r .id)"
api POST "/api/tasks/$TASK/comments" -H 'Content-Type: application/json' -d "{\"body\":\"Comment $MARK\"}" >/dev/null
# The demo's agents keep working while the script runs: every task listed now must be in the backup.
TASK_IDS_BEFORE="$(api GET '/api/tasks?limit=500' | jq -c '[.items[].id]')"
TASKS_BEFORE="$(jq length <<<"$TASK_IDS_BEFORE")"
head -c 300000 /dev/urandom >"$WORK/artifact.bin"
ARTIFACT="$(api POST "/api/tasks/$TASK/artifacts" -F "file=@$WORK/artifact.bin;type=application/octet-stream" -F "name=report-$MARK.bin" | jq -r .id)"
MEETING="$(api POST /api/meetings -H 'Content-Type: application/json' \
  -d "{\"title\":\"Meeting $MARK\",\"goal\":\"Decide what survives a restore\",\"agenda\":[\"Backups\"],\"participantAgentIds\":[$CTO,$CFO]}" | jq -r .id)"
SPACE="$(api POST /api/knowledge/spaces -H 'Content-Type: application/json' -d "{\"name\":\"Handbook $MARK\",\"description\":\"Operations\"}" | jq -r .id)"
printf 'Backups of the company are restored every quarter. The restore drill word is %s.\n' "$MARK" >"$WORK/handbook.txt"
DOCUMENT="$(api POST "/api/knowledge/spaces/$SPACE/documents" -F "file=@$WORK/handbook.txt;type=text/plain" | jq -r .id)"
for _ in $(seq 1 300); do
  document="$(api GET "/api/knowledge/spaces/$SPACE/documents/$DOCUMENT")"
  status="$(jq -r .status <<<"$document")"
  [ "$status" = "ready" ] && break
  [ "$status" = "failed" ] && fail "the knowledge document failed to ingest: $document"
  sleep 0.2
done
[ "$status" = "ready" ] || fail "the knowledge document is still ${status:-unknown} after 60 s"
for id in "$TASK" "$ARTIFACT" "$MEETING" "$SPACE" "$DOCUMENT"; do [[ "$id" =~ ^[0-9]+$ ]] || fail "a create call returned no id ($id)"; done

# ---- back up while the product runs, then stop it
# The demo's agents keep working: the backup holds at least the objects stored before it began.
OBJECTS_BEFORE="$(find "$WORK/first/objects" -type f ! -name '*.partial' | wc -l)"
BACKUP="$("$FM_ROOT/scripts/backup.sh" --data "$WORK/first" --pg-port "$PG1" --out "$WORK/backups" --tar | tail -n 1)"
[ -f "$BACKUP" ] || fail "backup.sh printed no backup file: $BACKUP"
tar -xOf "$BACKUP" ./manifest.json >"$WORK/manifest.json" || fail "the backup holds no manifest.json"
[ "$(jq -r .database.name "$WORK/manifest.json")" = "fluid" ] || fail "the manifest names the wrong database"
[ "$(jq -r .objects.count "$WORK/manifest.json")" -ge "$OBJECTS_BEFORE" ] || fail "the manifest counts $(jq -r .objects.count "$WORK/manifest.json") objects, the store held $OBJECTS_BEFORE before the backup"
stop_api
fm_pg_stop "$WORK/first"

# ---- restore refuses what it must not touch
mkdir -p "$WORK/occupied" && touch "$WORK/occupied/keep-me"
if "$FM_ROOT/scripts/restore.sh" "$BACKUP" --data "$WORK/occupied" >"$WORK/refused.log" 2>&1; then fail "restore.sh restored into a non-empty folder"; fi
grep -q "refusing to restore into" "$WORK/refused.log" || fail "restore.sh refused a non-empty folder without saying why: $(cat "$WORK/refused.log")"
[ "$(ls -A "$WORK/occupied")" = "keep-me" ] || fail "restore.sh changed the non-empty folder it refused"
mkdir -p "$WORK/damaged" && tar -C "$WORK/damaged" -xf "$BACKUP"
first_object="$(find "$WORK/damaged/objects" -type f | head -n 1)"
printf 'x' >>"$first_object"
if "$FM_ROOT/scripts/restore.sh" "$WORK/damaged" --data "$WORK/from-damaged" >"$WORK/damaged.log" 2>&1; then fail "restore.sh restored a damaged backup"; fi
grep -q "do not match their checksums" "$WORK/damaged.log" || fail "restore.sh refused a damaged backup without saying why: $(cat "$WORK/damaged.log")"
[ ! -e "$WORK/from-damaged" ] || [ -z "$(ls -A "$WORK/from-damaged")" ] || fail "a refused restore left files behind"

# ---- restore into a new data folder and start the product on it
PG2="$(fm_free_port)"
"$FM_ROOT/scripts/restore.sh" "$BACKUP" --data "$WORK/restored" --pg-port "$PG2" >"$WORK/restore.log" 2>&1 || fail "restore.sh failed: $(cat "$WORK/restore.log")"
cmp -s "$WORK/first/secrets/pg-password" "$WORK/restored/secrets/pg-password" && fail "the restored cluster reuses the old password instead of a new one"
fm_pg_start "$WORK/restored" "$PG2"
start_api "$WORK/restored" "$PG2" restored
sign_in

task="$(api GET "/api/tasks/$TASK")"
[ "$(jq -r .title <<<"$task")" = "Task $MARK" ] || fail "the restored task is not the one backed up: $task"
api GET "/api/tasks/$TASK/comments" | jq -e --arg body "Comment $MARK" 'map(select(.body == $body)) | length == 1' >/dev/null \
  || fail "the task's comment is missing after the restore"
MISSING="$(api GET '/api/tasks?limit=500' | jq -c --argjson before "$TASK_IDS_BEFORE" '$before - [.items[].id]')"
[ "$MISSING" = "[]" ] || fail "the restore lacks tasks listed before the backup: $MISSING"
api GET "/api/tasks/$TASK/artifacts" | jq -e --arg name "report-$MARK.bin" 'map(select(.name == $name)) | length == 1' >/dev/null \
  || fail "the artifact is missing from the restored task"
curl -sS -f -b "$WORK/cookies" -o "$WORK/artifact.restored" "$URL/api/tasks/$TASK/artifacts/$ARTIFACT" || fail "downloading the restored artifact failed"
cmp -s "$WORK/artifact.bin" "$WORK/artifact.restored" || fail "the restored artifact's bytes differ from the uploaded ones"
meeting="$(api GET "/api/meetings/$MEETING")"
[ "$(jq -r .title <<<"$meeting")" = "Meeting $MARK" ] || fail "the restored meeting is not the one backed up: $meeting"
document="$(api GET "/api/knowledge/spaces/$SPACE/documents/$DOCUMENT")"
[ "$(jq -r .status <<<"$document")" = "ready" ] || fail "the restored knowledge document is not ready: $document"
HANDBOOK_SHA="$(sha256sum "$WORK/handbook.txt" | awk '{print $1}')"
[ "$(jq -r .sha256 <<<"$document")" = "$HANDBOOK_SHA" ] || fail "the restored document's checksum differs from the uploaded file"
# The document's bytes are in the restored object store, not only its metadata.
restored_sums="$(cd "$WORK/restored/objects" && find . -type f -print0 | xargs -0 sha256sum)"
grep -q "^$HANDBOOK_SHA " <<<"$restored_sums" || fail "the knowledge document's bytes are missing from the restored object store"
hits="$(api POST /api/knowledge/search -H 'Content-Type: application/json' -d "{\"agentId\":$CTO,\"query\":\"restore drill word $MARK\",\"spaceId\":$SPACE}")"
jq -e --arg mark "$MARK" '[.citations[] | tostring | select(contains($mark))] | length >= 1' <<<"$hits" >/dev/null \
  || fail "knowledge search on the restore does not find the document: $hits"
stop_api
fm_pg_stop "$WORK/restored"
echo "backup-restore: ok (task, comment, $TASKS_BEFORE tasks, meeting, artifact bytes, knowledge document and search found on the restore)"
