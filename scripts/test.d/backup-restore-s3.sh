#!/usr/bin/env bash
# scripts/backup.sh and scripts/restore.sh with S3 object storage: a bucket on s3rver (the S3 test
# server of test/tools) and a database of a run.sh-style data folder are backed up into one tar;
# restore refuses a bucket that holds objects, then restores into an empty bucket and a new data
# folder, and every object comes back byte for byte. Counts as one test. Needs the aws command
# (Debian's awscli, installed when missing) and Node.js.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/backup.sh"

command -v aws >/dev/null || fm_apt_install awscli
TOOLS="$FM_ROOT/test/tools"
S3RVER="$TOOLS/node_modules/s3rver/bin/s3rver.js"
if [ ! -f "$S3RVER" ]; then (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error) >&2; fi

WORK="$(mktemp -d "${1:-/tmp}/backup-restore-s3.XXXXXX")"
chmod 755 "$WORK"
S3_PID=""
cleanup() {
  # wait answers 143 for the server it just stopped: not a failure of the test.
  if [ -n "$S3_PID" ]; then kill "$S3_PID" 2>/dev/null || true; wait "$S3_PID" 2>/dev/null || true; fi
  fm_pg_stop "$WORK/first"
  fm_pg_stop "$WORK/restored"
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { printf 'backup-restore-s3: failed: %s\n' "$*" >&2; exit 1; }

S3_PORT="$(fm_free_port)"
node "$S3RVER" --directory "$WORK/s3" --address 127.0.0.1 --port "$S3_PORT" \
  --configure-bucket live --configure-bucket occupied --configure-bucket restored >"$WORK/s3rver.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 150); do grep -q "S3rver listening" "$WORK/s3rver.log" && break; sleep 0.2; done
grep -q "S3rver listening" "$WORK/s3rver.log" || fail "s3rver did not start: $(cat "$WORK/s3rver.log")"
export Fluid__Storage__Kind=s3 Fluid__Storage__S3__ServiceUrl="http://127.0.0.1:$S3_PORT" \
  Fluid__Storage__S3__AccessKey=S3RVER Fluid__Storage__S3__SecretKey=S3RVER Fluid__Storage__S3__Bucket=live

# A database and three objects, as the product writes them.
PG1="$(fm_free_port)"
fm_pg_start "$WORK/first" "$PG1"
fm_pg_createdb "$WORK/first" "$PG1" fluid
fm_psql "$WORK/first" "$PG1" fluid -c "CREATE TABLE artifacts_marker (storage_key text PRIMARY KEY)"
mkdir -p "$WORK/uploaded"
for name in 0193a1 0193a2 0193a3; do
  head -c $((RANDOM * 7 + 1)) /dev/urandom >"$WORK/uploaded/$name"
  fm_s3 s3 cp "$WORK/uploaded/$name" "s3://live/companies/1/artifacts/$name" --only-show-errors || fail "could not upload $name to s3rver"
  fm_psql "$WORK/first" "$PG1" fluid -c "INSERT INTO artifacts_marker VALUES ('companies/1/artifacts/$name')"
done
fm_s3 s3 cp "$WORK/uploaded/0193a1" "s3://occupied/companies/9/artifacts/other" --only-show-errors

BACKUP="$("$FM_ROOT/scripts/backup.sh" --data "$WORK/first" --out "$WORK/backups" --tar | tail -n 1)"
[ -f "$BACKUP" ] || fail "backup.sh printed no backup file: $BACKUP"
tar -xOf "$BACKUP" ./manifest.json >"$WORK/manifest.json"
grep -q '"store": "s3"' "$WORK/manifest.json" || fail "the manifest does not say the objects came from S3: $(cat "$WORK/manifest.json")"
grep -q '"count": 3,' "$WORK/manifest.json" || fail "the manifest does not count the bucket's 3 objects: $(cat "$WORK/manifest.json")"
fm_pg_stop "$WORK/first"

PG2="$(fm_free_port)"
if Fluid__Storage__S3__Bucket=occupied "$FM_ROOT/scripts/restore.sh" "$BACKUP" --data "$WORK/restored" --pg-port "$PG2" >"$WORK/refused.log" 2>&1; then
  fail "restore.sh restored into a bucket that holds objects"
fi
grep -q "refusing to restore objects into the bucket occupied" "$WORK/refused.log" || fail "the refusal does not say why: $(cat "$WORK/refused.log")"
[ ! -e "$WORK/restored" ] || fail "a refused restore created $WORK/restored"

Fluid__Storage__S3__Bucket=restored "$FM_ROOT/scripts/restore.sh" "$BACKUP" --data "$WORK/restored" --pg-port "$PG2" >"$WORK/restore.log" 2>&1 \
  || fail "restore.sh failed: $(cat "$WORK/restore.log")"
fm_pg_start "$WORK/restored" "$PG2"
[ "$(fm_psql "$WORK/restored" "$PG2" fluid -tAc "SELECT count(*) FROM artifacts_marker")" = "3" ] || fail "the restored database lacks its rows"
mkdir -p "$WORK/downloaded"
fm_s3 s3 sync s3://restored "$WORK/downloaded" --only-show-errors || fail "could not read the restored bucket"
for name in 0193a1 0193a2 0193a3; do
  cmp -s "$WORK/uploaded/$name" "$WORK/downloaded/companies/1/artifacts/$name" || fail "object $name differs or is missing after the restore"
done
[ "$(find "$WORK/downloaded" -type f | wc -l)" = "3" ] || fail "the restored bucket holds other objects than the backup's"
echo "backup-restore-s3: ok (3 objects from s3rver backed up, a non-empty bucket refused, restored byte for byte)"
