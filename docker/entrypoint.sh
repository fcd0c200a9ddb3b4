#!/bin/sh
# Entrypoint of the api and silo images: reads secrets, checks that the required ones are there,
# advertises the container's own address to the other silos, then becomes the dotnet process
# (exec: dotnet stays PID 1 and receives SIGTERM).
#   entrypoint.sh FluidManager.Api.dll
set -eu

die() { echo "error: $*" >&2; exit 1; }

# Any setting NAME can come from a file named by NAME_FILE (a Docker secret in /run/secrets, say),
# for example Fluid__Models__OpenAI__ApiKey_FILE=/run/secrets/openai_api_key.
for variable in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=.*/\1/p'); do
  eval "file=\${${variable}_FILE}"
  [ -r "$file" ] || die "${variable}_FILE names $file, which cannot be read"
  eval "current=\${${variable}:-}"
  [ -z "$current" ] || die "both $variable and ${variable}_FILE are set: keep one"
  export "$variable=$(cat "$file")"
  unset "${variable}_FILE"
done

# The connection string is made from FLUID_DB_PASSWORD unless it is given whole.
if [ -z "${ConnectionStrings__Fluid:-}" ]; then
  [ -n "${FLUID_DB_PASSWORD:-}" ] || die "no database password: set FLUID_DB_PASSWORD in docker/.env, or the secret db_password (compose.secrets.yaml)"
  export ConnectionStrings__Fluid="Host=${FLUID_DB_HOST:-postgres};Port=${FLUID_DB_PORT:-5432};Username=${FLUID_DB_USER:-fluid};Password=${FLUID_DB_PASSWORD};Database=${FLUID_DB_NAME:-fluid}"
fi
unset FLUID_DB_PASSWORD
if [ "$(printf '%s' "${Fluid__Storage__Kind:-}" | tr '[:upper:]' '[:lower:]')" = "s3" ]; then
  [ -n "${Fluid__Storage__S3__AccessKey:-}" ] || die "no object storage key: set FLUID_S3_ACCESS_KEY in docker/.env, or the secret s3_access_key"
  [ -n "${Fluid__Storage__S3__SecretKey:-}" ] || die "no object storage secret: set FLUID_S3_SECRET_KEY in docker/.env, or the secret s3_secret_key"
fi

# Docker puts the container's host name (its id, one per replica) in HOSTNAME; it resolves to the
# container's address on the compose network.
export Fluid__Cluster__AdvertisedHost="${Fluid__Cluster__AdvertisedHost:-${HOSTNAME:-}}"
exec dotnet "$@"
