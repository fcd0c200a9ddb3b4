# Shared by scripts/backup.sh and scripts/restore.sh: where the database and the object store are,
# and the S3 copy through the AWS command-line interface.
# shellcheck shell=bash

FM_BACKUP_PREFIX="fluid-backup-"
FM_BACKUP_FORMAT=1
# The read-only role of the SQL tool (migration 0210): roles belong to the cluster, not to the
# database, so a dump grants to it but does not create it.
FM_SQL_READER_ROLE="fluid_sql_reader"
FM_APP_ROLE="fluid_app"

# The S3 settings are the product's own (Fluid__Storage__S3__*), so the same environment serves the
# api, the silos and these scripts.
fm_s3_require() {
  command -v aws >/dev/null || fm_die "copying objects from S3 needs the AWS command-line interface ('aws'; Debian package awscli)"
  local missing=()
  [ -n "${Fluid__Storage__S3__Bucket:-}" ] || missing+=(Fluid__Storage__S3__Bucket)
  [ -n "${Fluid__Storage__S3__AccessKey:-}" ] || missing+=(Fluid__Storage__S3__AccessKey)
  [ -n "${Fluid__Storage__S3__SecretKey:-}" ] || missing+=(Fluid__Storage__S3__SecretKey)
  [ ${#missing[@]} -eq 0 ] || fm_die "S3 object storage needs ${missing[*]} in the environment (the same settings as the api's)"
}

# fm_s3 ARGS...: the aws CLI with the product's S3 settings, path-style addressing (as MinIO expects).
fm_s3() {
  local config
  config="$(mktemp)"
  printf '[default]\nregion = %s\ns3 =\n  addressing_style = %s\n' "${Fluid__Storage__S3__Region:-us-east-1}" \
    "$([ "${Fluid__Storage__S3__ForcePathStyle:-true}" = "false" ] && echo virtual || echo path)" >"$config"
  local endpoint=()
  [ -n "${Fluid__Storage__S3__ServiceUrl:-}" ] && endpoint=(--endpoint-url "$Fluid__Storage__S3__ServiceUrl")
  local status=0
  AWS_CONFIG_FILE="$config" AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_ACCESS_KEY_ID="$Fluid__Storage__S3__AccessKey" \
    AWS_SECRET_ACCESS_KEY="$Fluid__Storage__S3__SecretKey" AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true aws "${endpoint[@]}" "$@" || status=$?
  rm -f "$config"
  return "$status"
}

# Is the object store S3 (Fluid__Storage__Kind=s3, any case)?
fm_storage_is_s3() { [ "$(printf '%s' "${Fluid__Storage__Kind:-}" | tr '[:upper:]' '[:lower:]')" = "s3" ]; }

# fm_sha256_tree DIR: "sha256  ./key" lines for every file under DIR, sorted by key.
fm_sha256_tree() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

fm_sha256() { sha256sum "$1" | awk '{print $1}'; }

fm_json_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }
