#!/bin/sh
# The backup service. Without arguments: every FLUID_BACKUP_INTERVAL, scripts/backup.sh writes one
# .tar of the database and the bucket into /backups, then deletes the backups beyond
# FLUID_BACKUP_KEEP or older than FLUID_BACKUP_MAX_AGE_DAYS; a failed run is logged and tried again
# at the next interval.
#   backup-service.sh                 the schedule
#   backup-service.sh backup          one backup now
#   backup-service.sh restore FILE    scripts/restore.sh FILE into the (empty) database and bucket
set -eu

die() { echo "error: $*" >&2; exit 1; }

# NAME_FILE (a Docker secret) gives NAME, as in the api's entrypoint.
for variable in FLUID_DB_PASSWORD Fluid__Storage__S3__AccessKey Fluid__Storage__S3__SecretKey; do
  eval "file=\${${variable}_FILE:-}"
  [ -z "$file" ] && continue
  [ -r "$file" ] || die "${variable}_FILE names $file, which cannot be read"
  export "$variable=$(cat "$file")"
done
[ -n "${FLUID_DB_PASSWORD:-}" ] || die "no database password: set FLUID_DB_PASSWORD in docker/.env, or the secret db_password (compose.secrets.yaml)"
[ -n "${Fluid__Storage__S3__AccessKey:-}" ] || die "no object storage key: set FLUID_S3_ACCESS_KEY in docker/.env, or the secret s3_access_key"
[ -n "${Fluid__Storage__S3__SecretKey:-}" ] || die "no object storage secret: set FLUID_S3_SECRET_KEY in docker/.env, or the secret s3_secret_key"
export PGPASSWORD="$FLUID_DB_PASSWORD"

case "${1:-}" in
  "") ;;
  backup) exec /opt/fluid/scripts/backup.sh --pg-env --s3 --out /backups --tar ;;
  restore)
    [ $# -eq 2 ] || die "usage: restore FILE (a backup .tar or folder mounted into the container)"
    exec /opt/fluid/scripts/restore.sh "$2" --pg-env --s3 ;;
  *) die "unknown command '$1': use no argument (the schedule), 'backup' or 'restore FILE'" ;;
esac

INTERVAL="${FLUID_BACKUP_INTERVAL:-1d}"
KEEP="${FLUID_BACKUP_KEEP:-7}"
MAX_AGE="${FLUID_BACKUP_MAX_AGE_DAYS:-30}"
sleep 0 "$INTERVAL" 2>/dev/null || die "FLUID_BACKUP_INTERVAL '$INTERVAL' is not a duration such as 6h, 1d or 3600 (seconds)"
case "$KEEP" in ''|*[!0-9]*|0) die "FLUID_BACKUP_KEEP '$KEEP' must be a whole number of backups, at least 1" ;; esac
case "$MAX_AGE" in ''|*[!0-9]*) die "FLUID_BACKUP_MAX_AGE_DAYS '$MAX_AGE' must be a whole number of days" ;; esac
echo "backups every $INTERVAL into /backups, keeping the $KEEP newest and none older than $MAX_AGE days"

while :; do
  if /opt/fluid/scripts/backup.sh --pg-env --s3 --out /backups --tar --keep "$KEEP" --max-age "$MAX_AGE"; then
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup done"
  else
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup failed (see above); next attempt in $INTERVAL" >&2
  fi
  sleep "$INTERVAL"
done
