#!/usr/bin/env bash
# Writes a consistent backup of fluidManager: the database (pg_dump, custom format) and the object
# store (the folder of the embedded set-up, or the S3 bucket), with a manifest of checksums.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/backup.sh"

usage() {
  cat <<USAGE
Usage: scripts/backup.sh [options]

Backs up the database and the object store into one folder, ${FM_BACKUP_PREFIX}<UTC time>, or one
.tar with --tar, holding database.dump (pg_dump -Fc), objects/ (one file per object key),
objects.sha256 and manifest.json (time, database, object count and bytes, checksums). The database
is dumped first, from one snapshot, then the objects are copied: objects are written before the
rows that name them and never change, so every artifact and document in the dump has its bytes.
By default it backs up what scripts/run.sh runs on (.data in the repository).

Database (default: the cluster of scripts/run.sh's data folder):
  --data DIR         data folder of scripts/run.sh (default .data in the repository); a stopped
                     cluster is started for the dump and stopped again
  --pg-port N        port to start a stopped cluster on (default 54329, as run.sh); a running
                     cluster is reached on its own port
  --database NAME    database to dump (default fluid)
  --pg-env           take the server from libpq's environment instead (PGHOST, PGPORT, PGUSER,
                     PGPASSWORD or PGPASSFILE, PGDATABASE), as in docker compose

Object store (default: the folder Fluid__Storage__Path, else DATA/objects):
  --objects DIR      the object store's folder
  --s3               copy the objects of the S3 bucket named by Fluid__Storage__S3__Bucket,
                     ServiceUrl, AccessKey, SecretKey and Region (the api's own settings; needs
                     the 'aws' command). Implied by Fluid__Storage__Kind=s3.

Output:
  --out DIR          folder the backup is written into (default .backups in the repository)
  --tar              write one ${FM_BACKUP_PREFIX}<time>.tar instead of a folder
  --keep N           afterwards, delete the oldest backups in --out beyond the N newest
  --max-age DAYS     afterwards, delete backups in --out older than DAYS days
                     (both only touch complete ${FM_BACKUP_PREFIX}* backups; the new one is never deleted)
  -h, --help         show this help

Prints the path of the backup on its last line. Restore with scripts/restore.sh.
USAGE
}

DATA="$FM_ROOT/.data" PG_PORT=54329 DATABASE="" PG_ENV=0 OBJECTS="" S3=0 OUT="$FM_ROOT/.backups" TAR=0 KEEP="" MAX_AGE=""
need() { [ $# -ge 2 ] && [ -n "$2" ] || fm_die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --data) need "$@"; DATA="$2"; shift 2 ;;
    --pg-port) need "$@"; PG_PORT="$2"; shift 2 ;;
    --database) need "$@"; DATABASE="$2"; shift 2 ;;
    --pg-env) PG_ENV=1; shift ;;
    --objects) need "$@"; OBJECTS="$2"; shift 2 ;;
    --s3) S3=1; shift ;;
    --out) need "$@"; OUT="$2"; shift 2 ;;
    --tar) TAR=1; shift ;;
    --keep) need "$@"; KEEP="$2"; shift 2 ;;
    --max-age) need "$@"; MAX_AGE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fm_die "unknown option: $1" ;;
  esac
done
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || fm_die "--pg-port must be a port number, not '$PG_PORT'"
[ -z "$KEEP" ] || [[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || fm_die "--keep must be a whole number of backups, at least 1, not '$KEEP'"
[ -z "$MAX_AGE" ] || [[ "$MAX_AGE" =~ ^[0-9]+$ ]] || fm_die "--max-age must be a whole number of days, not '$MAX_AGE'"
fm_storage_is_s3 && S3=1
[ "$S3" -eq 1 ] && [ -n "$OBJECTS" ] && fm_die "--objects and --s3 name two object stores: choose one"
command -v "$FM_PG_BIN/pg_dump" >/dev/null || fm_die "pg_dump not found in $FM_PG_BIN (install postgresql-client-$FM_PG_MAJOR)"

# ---- the database
STARTED_PG=0
if [ "$PG_ENV" -eq 1 ]; then
  DATABASE="${DATABASE:-${PGDATABASE:-fluid}}"
  PG_ARGS=()
  DB_SOURCE="${PGHOST:-local socket}:${PGPORT:-5432}"
else
  [ -d "$DATA" ] || fm_die "no data folder at $DATA (scripts/run.sh creates it; name another with --data)"
  DATA="$(cd "$DATA" && pwd)"
  [ -f "$DATA/pg/PG_VERSION" ] || fm_die "$DATA holds no PostgreSQL cluster (no pg/PG_VERSION): is it a data folder of scripts/run.sh?"
  [ -s "$DATA/secrets/pg-password" ] || fm_die "$DATA/secrets/pg-password is missing: cannot sign in to the cluster"
  DATABASE="${DATABASE:-fluid}"
  if fm_as_pg "$FM_PG_BIN/pg_ctl" -D "$DATA/pg" status >/dev/null 2>&1; then
    # Running (scripts/run.sh, say): its port is the fourth line of postmaster.pid.
    running_port="$(fm_as_pg sed -n 4p "$DATA/pg/postmaster.pid" 2>/dev/null || true)"
    [[ "$running_port" =~ ^[0-9]+$ ]] && PG_PORT="$running_port"
  else
    fm_log "starting the cluster of $DATA on port $PG_PORT for the dump"
    fm_pg_start "$DATA" "$PG_PORT"
    STARTED_PG=1
  fi
  PG_ARGS=(-h 127.0.0.1 -p "$PG_PORT" -U fluid)
  export PGPASSWORD
  PGPASSWORD="$(cat "$DATA/secrets/pg-password")"
  DB_SOURCE="$DATA (port $PG_PORT)"
  [ -z "$OBJECTS" ] && [ "$S3" -eq 0 ] && OBJECTS="${Fluid__Storage__Path:-$DATA/objects}"
fi
if [ "$S3" -eq 0 ]; then
  [ -n "$OBJECTS" ] || OBJECTS="${Fluid__Storage__Path:-}"
  [ -n "$OBJECTS" ] || fm_die "name the object store's folder with --objects DIR (or --s3 for a bucket)"
  [ -d "$OBJECTS" ] || fm_die "no object store folder at $OBJECTS (name it with --objects DIR)"
else
  fm_s3_require
fi

mkdir -p "$OUT" || fm_die "cannot create the output folder $OUT"
OUT="$(cd "$OUT" && pwd)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
NAME="$FM_BACKUP_PREFIX$STAMP"
[ ! -e "$OUT/$NAME" ] && [ ! -e "$OUT/$NAME.tar" ] || fm_die "$OUT/$NAME already exists: one backup per second at most"
WORK="$OUT/$NAME.partial"
cleanup() {
  rm -rf "$WORK" "$OUT/$NAME.tar.partial"
  if [ "$STARTED_PG" -eq 1 ]; then fm_pg_stop "$DATA"; fi
}
trap cleanup EXIT
mkdir -p "$WORK/objects"

fm_log "dumping database $DATABASE from $DB_SOURCE"
SERVER_VERSION="$("$FM_PG_BIN/psql" "${PG_ARGS[@]}" -d "$DATABASE" -X -qtA -c "SHOW server_version" 2>"$WORK/psql.err")" \
  || fm_die "cannot connect to database $DATABASE on $DB_SOURCE: $(cat "$WORK/psql.err")"
rm -f "$WORK/psql.err"
"$FM_PG_BIN/pg_dump" "${PG_ARGS[@]}" -d "$DATABASE" -Fc --no-password -f "$WORK/database.dump" \
  || fm_die "pg_dump of $DATABASE failed (errors above)"

if [ "$S3" -eq 1 ]; then
  OBJECT_SOURCE="s3://$Fluid__Storage__S3__Bucket${Fluid__Storage__S3__ServiceUrl:+ at $Fluid__Storage__S3__ServiceUrl}"
  fm_log "copying the objects of $OBJECT_SOURCE"
  fm_s3 s3 sync "s3://$Fluid__Storage__S3__Bucket" "$WORK/objects" --only-show-errors \
    || fm_die "copying the bucket $Fluid__Storage__S3__Bucket failed (errors above)"
  OBJECT_KIND=s3
else
  OBJECTS="$(cd "$OBJECTS" && pwd)"
  OBJECT_SOURCE="$OBJECTS"
  fm_log "copying the objects of $OBJECTS"
  # Files being written end in .partial until they are renamed into place: not objects yet.
  tar -C "$OBJECTS" --exclude='*.partial' -cf - . | tar -C "$WORK/objects" -xf - \
    || fm_die "copying the objects of $OBJECTS failed"
  OBJECT_KIND=filesystem
fi

fm_sha256_tree "$WORK/objects" >"$WORK/objects.sha256"
DUMP_BYTES="$(stat -c %s "$WORK/database.dump")"
OBJECT_COUNT="$(wc -l <"$WORK/objects.sha256" | tr -d ' ')"
OBJECT_BYTES="$(find "$WORK/objects" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
{
  printf '{\n'
  printf '  "format": %s,\n' "$FM_BACKUP_FORMAT"
  printf '  "createdAt": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '  "database": {\n'
  printf '    "name": %s,\n' "$(fm_json_string "$DATABASE")"
  printf '    "serverVersion": %s,\n' "$(fm_json_string "$SERVER_VERSION")"
  printf '    "file": "database.dump",\n'
  printf '    "bytes": %s,\n' "$DUMP_BYTES"
  printf '    "sha256": "%s"\n' "$(fm_sha256 "$WORK/database.dump")"
  printf '  },\n'
  printf '  "objects": {\n'
  printf '    "store": "%s",\n' "$OBJECT_KIND"
  printf '    "source": %s,\n' "$(fm_json_string "$OBJECT_SOURCE")"
  printf '    "folder": "objects",\n'
  printf '    "count": %s,\n' "$OBJECT_COUNT"
  printf '    "bytes": %s,\n' "$OBJECT_BYTES"
  printf '    "checksums": "objects.sha256",\n'
  printf '    "checksumsSha256": "%s"\n' "$(fm_sha256 "$WORK/objects.sha256")"
  printf '  }\n'
  printf '}\n'
} >"$WORK/manifest.json"

if [ "$TAR" -eq 1 ]; then
  mv "$WORK" "$OUT/$NAME.partial.d"
  WORK="$OUT/$NAME.partial.d"
  tar -C "$OUT/$NAME.partial.d" -cf "$OUT/$NAME.tar.partial" . || fm_die "writing $OUT/$NAME.tar failed"
  mv "$OUT/$NAME.tar.partial" "$OUT/$NAME.tar"
  rm -rf "$WORK"
  RESULT="$OUT/$NAME.tar"
else
  mv "$WORK" "$OUT/$NAME"
  RESULT="$OUT/$NAME"
fi
fm_log "backup written: database $DATABASE ($DUMP_BYTES bytes), $OBJECT_COUNT objects ($OBJECT_BYTES bytes)"

# ---- retention: complete backups only (a folder with its manifest, or a .tar), newest first by name.
if [ -n "$KEEP" ] || [ -n "$MAX_AGE" ]; then
  mapfile -t BACKUPS < <(
    for entry in "$OUT/$FM_BACKUP_PREFIX"*; do
      case "$entry" in *.partial|*.partial.d) continue ;; esac
      if [ -f "$entry/manifest.json" ] || [[ "$entry" == *.tar && -f "$entry" ]]; then basename "$entry"; fi
    done | LC_ALL=C sort -r)
  now="$(date -u +%s)" index=0
  for entry in "${BACKUPS[@]}"; do
    index=$((index + 1))
    [ "$OUT/$entry" = "$RESULT" ] && continue
    reason=""
    [ -n "$KEEP" ] && [ "$index" -gt "$KEEP" ] && reason="beyond the $KEEP newest"
    if [ -z "$reason" ] && [ -n "$MAX_AGE" ]; then
      stamp="${entry#"$FM_BACKUP_PREFIX"}" stamp="${stamp%.tar}"
      taken="$(date -u -d "$(sed -E 's/^(....)(..)(..)T(..)(..)(..)Z$/\1-\2-\3 \4:\5:\6 UTC/' <<<"$stamp")" +%s 2>/dev/null || echo "")"
      [ -n "$taken" ] && [ $((now - taken)) -gt $((MAX_AGE * 86400)) ] && reason="older than $MAX_AGE days"
    fi
    if [ -n "$reason" ]; then
      fm_log "deleting $entry ($reason)"
      rm -rf "${OUT:?}/$entry"
    fi
  done
fi
echo "$RESULT"
