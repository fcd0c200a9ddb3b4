#!/usr/bin/env bash
# Restores a backup of scripts/backup.sh into a fresh data folder (a new PostgreSQL cluster, created
# as scripts/run.sh creates one, and a fresh object-store folder), or into an empty external
# database and bucket. Never overwrites: a target that holds anything is refused.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/backup.sh"

usage() {
  cat <<USAGE
Usage: scripts/restore.sh BACKUP --data DIR [options]

Checks every checksum of BACKUP (a folder or .tar written by scripts/backup.sh), then restores it.
The target must be new: a data folder that exists and is not empty, a database that holds tables
or a bucket that holds objects is refused, and nothing is changed.

  BACKUP             the backup folder or .tar
  --data DIR         the new data folder of scripts/run.sh: a new PostgreSQL cluster (user fluid,
                     a new generated password) with the database restored, and the objects in
                     DIR/objects. Start it afterwards with: scripts/run.sh --data DIR
  --pg-port N        port the new cluster listens on while restoring (default 54329, as run.sh)
  --objects DIR      put the objects in DIR instead of DATA/objects (must be empty); run the
                     product with Fluid__Storage__Path=DIR
  --database NAME    database to create and restore into (default: the backup's own)

External targets, as in docker compose (instead of --data):
  --pg-env           restore into the existing, empty database named by libpq's environment
                     (PGHOST, PGPORT, PGUSER, PGPASSWORD or PGPASSFILE, PGDATABASE)
  --s3               upload the objects into the empty bucket of Fluid__Storage__S3__* (needs the
                     'aws' command). Implied by Fluid__Storage__Kind=s3.
  -h, --help         show this help
USAGE
}

BACKUP="" DATA="" PG_PORT=54329 OBJECTS="" DATABASE="" PG_ENV=0 S3=0
need() { [ $# -ge 2 ] && [ -n "$2" ] || fm_die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --data) need "$@"; DATA="$2"; shift 2 ;;
    --pg-port) need "$@"; PG_PORT="$2"; shift 2 ;;
    --objects) need "$@"; OBJECTS="$2"; shift 2 ;;
    --database) need "$@"; DATABASE="$2"; shift 2 ;;
    --pg-env) PG_ENV=1; shift ;;
    --s3) S3=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; fm_die "unknown option: $1" ;;
    *) [ -z "$BACKUP" ] || fm_die "one backup at a time: got '$BACKUP' and '$1'"; BACKUP="$1"; shift ;;
  esac
done
[ -n "$BACKUP" ] || { usage >&2; fm_die "name the backup to restore (a folder or .tar written by scripts/backup.sh)"; }
[ -e "$BACKUP" ] || fm_die "no backup at $BACKUP"
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || fm_die "--pg-port must be a port number, not '$PG_PORT'"
fm_storage_is_s3 && S3=1
[ "$S3" -eq 1 ] && [ -n "$OBJECTS" ] && fm_die "--objects and --s3 name two object stores: choose one"
if [ "$PG_ENV" -eq 1 ]; then
  [ -z "$DATA" ] || fm_die "--data and --pg-env name two databases: choose one"
  [ "$S3" -eq 1 ] || [ -n "$OBJECTS" ] || fm_die "with --pg-env, name where the objects go: --objects DIR or --s3"
else
  [ -n "$DATA" ] || { usage >&2; fm_die "name the new data folder with --data DIR"; }
fi
command -v "$FM_PG_BIN/pg_restore" >/dev/null || fm_die "pg_restore not found in $FM_PG_BIN (install postgresql-client-$FM_PG_MAJOR)"

# is_empty_dir DIR: DIR does not exist, or holds nothing.
is_empty_dir() { [ ! -e "$1" ] || { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }; }

# ---- refuse a target that holds anything, before any work
if [ -n "$DATA" ]; then
  is_empty_dir "$DATA" || fm_die "refusing to restore into $DATA: it exists and is not empty (restore into a new folder, or move it away first)"
fi
if [ -n "$OBJECTS" ]; then
  is_empty_dir "$OBJECTS" || fm_die "refusing to restore objects into $OBJECTS: it exists and is not empty"
fi
if [ "$S3" -eq 1 ]; then
  fm_s3_require
  listed="$(fm_s3 s3api list-objects-v2 --bucket "$Fluid__Storage__S3__Bucket" --max-items 1 --query 'length(Contents || `[]`)' --output text 2>&1)" \
    || fm_die "cannot list the bucket $Fluid__Storage__S3__Bucket: $listed"
  [ "$listed" = "0" ] || fm_die "refusing to restore objects into the bucket $Fluid__Storage__S3__Bucket: it is not empty (restore into a new, empty bucket)"
fi

# ---- read the backup and check every checksum
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/fluid-restore.XXXXXX")"
CREATED_DATA=0 STARTED_PG=0 DONE=0
cleanup() {
  if [ "$STARTED_PG" -eq 1 ]; then fm_pg_stop "$DATA"; fi
  # A failed restore leaves nothing behind, so the same command can run again.
  if [ "$DONE" -eq 0 ] && [ "$CREATED_DATA" -eq 1 ]; then
    fm_log "restore failed: removing the partly restored $DATA"
    rm -rf "${DATA:?}"/* "${DATA:?}"/.[!.]* 2>/dev/null || true
  fi
  if [ "$DONE" -eq 0 ] && [ -n "$OBJECTS" ] && [ -d "$OBJECTS" ]; then rm -rf "${OBJECTS:?}"/* 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

if [ -d "$BACKUP" ]; then
  SRC="$(cd "$BACKUP" && pwd)"
else
  fm_log "unpacking $BACKUP"
  tar -C "$SCRATCH" -xf "$BACKUP" 2>"$SCRATCH/tar.err" || fm_die "$BACKUP is not a readable tar: $(cat "$SCRATCH/tar.err")"
  SRC="$SCRATCH"
fi
MANIFEST="$SRC/manifest.json"
[ -f "$MANIFEST" ] || fm_die "$BACKUP has no manifest.json: not a backup of scripts/backup.sh, or an unfinished one"
# The manifest is written by backup.sh, one "key": value per line.
field() { sed -nE "s/^ *\"$1\": \"?([^\",]*)\"?,?$/\1/p" "$MANIFEST" | head -1; }
FORMAT="$(field format)"
[ "$FORMAT" = "$FM_BACKUP_FORMAT" ] || fm_die "$BACKUP has backup format '${FORMAT:-none}'; this script reads format $FM_BACKUP_FORMAT"
BACKUP_DATABASE="$(field name)"
DATABASE="${DATABASE:-$BACKUP_DATABASE}"
[ -n "$DATABASE" ] || fm_die "the manifest names no database; give one with --database"
[ -f "$SRC/database.dump" ] || fm_die "$BACKUP has no database.dump"
[ "$(fm_sha256 "$SRC/database.dump")" = "$(field sha256)" ] || fm_die "database.dump does not match the checksum in the manifest: the backup is damaged"
[ -f "$SRC/objects.sha256" ] || fm_die "$BACKUP has no objects.sha256"
[ "$(fm_sha256 "$SRC/objects.sha256")" = "$(field checksumsSha256)" ] || fm_die "objects.sha256 does not match the checksum in the manifest: the backup is damaged"
mkdir -p "$SRC/objects"
(cd "$SRC/objects" && sha256sum --quiet --strict -c "$SRC/objects.sha256") >"$SCRATCH/check.out" 2>&1 \
  || fm_die "objects do not match their checksums: the backup is damaged: $(head -n 5 "$SCRATCH/check.out")"
COUNT="$(field count)"
[ "$(find "$SRC/objects" -type f | wc -l | tr -d ' ')" = "$COUNT" ] || fm_die "the manifest counts $COUNT objects but objects/ holds a different number"
fm_log "backup of $(field createdAt): database $BACKUP_DATABASE, $COUNT objects; checksums verified"

# ---- the database
if [ "$PG_ENV" -eq 1 ]; then
  PG_ARGS=()
  DATABASE="${PGDATABASE:-$DATABASE}"
  TARGET="${PGHOST:-local socket}:${PGPORT:-5432}/$DATABASE"
  tables="$("$FM_PG_BIN/psql" -X -qtA -d "$DATABASE" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'" 2>&1)" \
    || fm_die "cannot connect to $TARGET: $tables"
  [ "$tables" = "0" ] || fm_die "refusing to restore into $TARGET: it already holds $tables tables (restore into a new, empty database)"
else
  fm_ensure_pgvector
  mkdir -p "$DATA" || fm_die "cannot create $DATA"
  DATA="$(cd "$DATA" && pwd)"
  CREATED_DATA=1
  chmod 755 "$DATA"
  fm_pg_start "$DATA" "$PG_PORT"
  STARTED_PG=1
  fm_pg_createdb "$DATA" "$PG_PORT" "$DATABASE"
  PG_ARGS=(-h 127.0.0.1 -p "$PG_PORT" -U fluid)
  export PGPASSWORD
  PGPASSWORD="$(cat "$DATA/secrets/pg-password")"
  TARGET="$DATA (port $PG_PORT)/$DATABASE"
  [ -n "$OBJECTS" ] || OBJECTS="$DATA/objects"
fi

fm_log "restoring database $DATABASE into $TARGET"
# The product's roles belong to the cluster, not to the dump: create them first, so the grants restore.
if [ -n "$DATA" ]; then
  fm_pg_setup "$DATA" "$PG_PORT" "$DATABASE" || fm_die "the database setup of $TARGET failed (errors above)"
else
  "$FM_PG_BIN/psql" "${PG_ARGS[@]}" -d "$DATABASE" -X -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$FM_SQL_READER_ROLE') THEN
      CREATE ROLE $FM_SQL_READER_ROLE NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$FM_APP_ROLE') THEN
      CREATE ROLE $FM_APP_ROLE NOLOGIN;
    END IF; END \$\$" || fm_die "cannot create the product's roles in $TARGET (run src/Runtime/Setup/database-setup.sql there first)"
fi
"$FM_PG_BIN/pg_restore" "${PG_ARGS[@]}" -d "$DATABASE" --no-owner --exit-on-error --single-transaction "$SRC/database.dump" \
  || fm_die "pg_restore into $TARGET failed (errors above); nothing was restored"
# The silos recorded in the Orleans membership table do not run against the restored database: mark
# them dead (status 6), as Orleans would once it noticed, so the first silo to start does not send
# calls to them until they time out.
"$FM_PG_BIN/psql" "${PG_ARGS[@]}" -d "$DATABASE" -X -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
  IF to_regclass('orleansmembershiptable') IS NOT NULL THEN
    UPDATE orleansmembershiptable SET status = 6 WHERE status <> 6;
  END IF; END \$\$" || fm_die "cannot mark the backup's silos dead in $TARGET"

# ---- the objects
if [ "$S3" -eq 1 ]; then
  BUCKET="$Fluid__Storage__S3__Bucket"
  fm_log "uploading $COUNT objects into s3://$BUCKET"
  fm_s3 s3 sync "$SRC/objects" "s3://$BUCKET" --only-show-errors || fm_die "uploading the objects into $BUCKET failed (errors above)"
else
  fm_log "copying $COUNT objects into $OBJECTS"
  mkdir -p "$OBJECTS"
  tar -C "$SRC/objects" -cf - . | tar -C "$OBJECTS" -xf - || fm_die "copying the objects into $OBJECTS failed"
  (cd "$OBJECTS" && sha256sum --quiet --strict -c "$SRC/objects.sha256") >/dev/null 2>&1 || fm_die "the objects copied into $OBJECTS do not match their checksums"
fi

DONE=1
if [ -n "$DATA" ]; then
  fm_log "restored into $DATA"
  if [ "$S3" -eq 1 ]; then
    echo "Start it with: scripts/run.sh --data $DATA --pg-port $PG_PORT, with the same Fluid__Storage__* settings"
  elif [ "$OBJECTS" = "$DATA/objects" ]; then
    echo "Start it with: scripts/run.sh --data $DATA --pg-port $PG_PORT"
  else
    echo "Start it with: Fluid__Storage__Path=$OBJECTS scripts/run.sh --data $DATA --pg-port $PG_PORT"
  fi
else
  fm_log "restored into $TARGET"
fi
