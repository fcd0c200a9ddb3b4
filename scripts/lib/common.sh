# Shared set-up for scripts/run.sh, scripts/test.sh and the benchmark scripts.
# Installs what is missing (Debian packages, pgvector from Debian's source package), and manages
# a project-local PostgreSQL cluster without any system service manager.
# shellcheck shell=bash

FM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FM_PG_MAJOR=15
FM_PG_BIN="/usr/lib/postgresql/${FM_PG_MAJOR}/bin"
FM_PGVECTOR_SUITE="${FM_PGVECTOR_SUITE:-trixie}"
FM_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/fluidmanager"

fm_log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
fm_die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then FM_SUDO=(); else FM_SUDO=(sudo); fi

fm_as_root() {
  if [ ${#FM_SUDO[@]} -gt 0 ] && ! command -v sudo >/dev/null; then
    fm_die "need root for: $* (run as root or install sudo)"
  fi
  "${FM_SUDO[@]}" "$@"
}

# Runs a command as the user that owns PostgreSQL clusters: 'postgres' when we are root
# (PostgreSQL refuses to run as root), otherwise the current user.
fm_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

FM_APT_UPDATED=0
fm_apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  fm_log "installing ${missing[*]}"
  if [ "$FM_APT_UPDATED" -eq 0 ]; then
    fm_as_root apt-get update -qq >/dev/null
    FM_APT_UPDATED=1
  fi
  fm_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

fm_ensure_tools() {
  command -v dotnet >/dev/null || fm_die "the .NET 10 SDK is required (dotnet not found on PATH)"
  fm_apt_install "postgresql-${FM_PG_MAJOR}" "postgresql-client-${FM_PG_MAJOR}" curl ca-certificates
  # The mailbox tests start their own IMAP server; the package's system service is never used.
  fm_apt_install dovecot-imapd
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then fm_apt_install nodejs npm; fi
  # The dashboard's toolchain (Vite 8) needs Node.js 20.19 or later; Debian 12's own nodejs is 18.
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || fm_die "Node.js $(node --version) is too old for the dashboard: install Node.js 20.19 or later (e.g. from your distribution's backports or NodeSource)"
  # Debian's postgresql package may start a system cluster on 5432; ours never depends on it.
  fm_ensure_pgvector
}

# The mirror this machine already uses for Debian, read from its apt configuration.
fm_debian_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  if [ -z "$uri" ]; then
    uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security \
      | sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}' | head -1)
  fi
  [ -n "$uri" ] || fm_die "cannot find a Debian mirror in the apt configuration"
  printf '%s\n' "$uri"
}

# pgvector is not packaged for Debian 12: build it from the newer suite's Debian source package.
fm_ensure_pgvector() {
  local sharedir
  sharedir=$("$FM_PG_BIN/pg_config" --sharedir)
  [ -f "$sharedir/extension/vector.control" ] && return 0
  fm_log "building pgvector from Debian's source package (${FM_PGVECTOR_SUITE})"
  fm_apt_install "postgresql-server-dev-${FM_PG_MAJOR}" build-essential
  local work="$FM_CACHE/pgvector"
  rm -rf "$work" && mkdir -p "$work/lists/partial"
  local mirror
  mirror=$(fm_debian_mirror)
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $FM_PGVECTOR_SUITE main" >"$work/sources.list"
  mkdir -p "$work/cache/archives/partial"
  local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/nonexistent" -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)")
  (cd "$work" && apt-get "${opts[@]}" update -qq >/dev/null && apt-get "${opts[@]}" source --download-only -qq pgvector >/dev/null) \
    || fm_die "could not download pgvector's source package from $mirror ($FM_PGVECTOR_SUITE)"
  local orig
  orig=$(ls "$work"/pgvector_*.orig.tar.* | head -1)
  mkdir -p "$work/src" && tar -xf "$orig" -C "$work/src" --strip-components=1
  # OPTFLAGS="" keeps the build portable (no -march=native).
  make -s -C "$work/src" PG_CONFIG="$FM_PG_BIN/pg_config" OPTFLAGS="" >/dev/null
  fm_as_root make -s -C "$work/src" PG_CONFIG="$FM_PG_BIN/pg_config" install >/dev/null
  [ -f "$sharedir/extension/vector.control" ] || fm_die "pgvector build finished but vector.control is missing"
}

fm_free_port() {
  # Below the kernel's ephemeral range (outgoing connections take their local ports from there, so a
  # port picked inside it can be taken before the server binds it), and used by no socket at all.
  local port low=32768
  [ -r /proc/sys/net/ipv4/ip_local_port_range ] && read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  [ "$low" -gt 21000 ] || low=32768
  for _ in $(seq 1 50); do
    port=$(shuf -i "20000-$((low - 1))" -n 1)
    if command -v ss >/dev/null 2>&1; then
      [ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ] && { echo "$port"; return 0; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  fm_die "no free TCP port found"
}

# fm_pg_start DATA_DIR PORT [extra postgres -c settings...]
# Creates the cluster on first use (superuser 'fluid', generated passwords in DATA_DIR/secrets: pg-password
# for the superuser, pg-app-password for the product's role fluid_app) and starts it.
fm_pg_start() {
  local data="$1" port="$2"; shift 2
  mkdir -p "$data/secrets" "$data/run" "$data/logs"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$data" "$data/run" "$data/logs"
    runuser -u postgres -- test -w "$data" \
      || fm_die "user 'postgres' cannot write to $data (a parent folder is private); choose another folder with --data"
  fi
  chmod 700 "$data/secrets"
  if [ ! -s "$data/secrets/pg-password" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$data/secrets/pg-password")
  fi
  if [ ! -s "$data/secrets/pg-app-password" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$data/secrets/pg-app-password")
  fi
  if [ ! -f "$data/pg/PG_VERSION" ]; then
    fm_log "creating PostgreSQL cluster in $data/pg"
    local pwfile="$data/run/.pw"
    cp "$data/secrets/pg-password" "$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"
    fm_as_pg "$FM_PG_BIN/initdb" -D "$data/pg" -U fluid --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$data/logs/initdb.log" \
      || { rm -f "$pwfile"; fm_die "initdb failed: see $data/logs/initdb.log"; }
    rm -f "$pwfile"
  fi
  if fm_as_pg "$FM_PG_BIN/pg_ctl" -D "$data/pg" status >/dev/null 2>&1; then
    return 0
  fi
  local settings=(-c "port=$port" -c "listen_addresses=127.0.0.1" -c "unix_socket_directories=$data/run")
  for s in "$@"; do settings+=(-c "$s"); done
  fm_as_pg "$FM_PG_BIN/pg_ctl" -D "$data/pg" -l "$data/logs/postgres.log" -w -t 60 -o "${settings[*]}" start >/dev/null \
    || fm_die "PostgreSQL did not start: see $data/logs/postgres.log"
}

fm_pg_stop() {
  local data="$1"
  [ -f "$data/pg/PG_VERSION" ] || return 0
  fm_as_pg "$FM_PG_BIN/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
}

# fm_pg_connstr DATA PORT DATABASE: the superuser's Npgsql connection string.
fm_pg_connstr() {
  printf 'Host=127.0.0.1;Port=%s;Username=fluid;Password=%s;Database=%s' "$2" "$(cat "$1/secrets/pg-password")" "$3"
}

# fm_pg_app_connstr DATA PORT DATABASE: the product's connection string (role fluid_app, not a superuser).
# The SQL tool derives its own (role fluid_sql_tool) from it.
fm_pg_app_connstr() {
  printf 'Host=127.0.0.1;Port=%s;Username=fluid_app;Password=%s;Database=%s' "$2" "$(cat "$1/secrets/pg-app-password")" "$3"
}

# fm_pg_setup DATA PORT DATABASE: the superuser's part of the database (roles, extensions, privileges),
# src/Runtime/Setup/database-setup.sql; idempotent, run before every start.
fm_pg_setup() {
  local data="$1" port="$2" db="$3"
  FLUID_SETUP_APP_PASSWORD="$(cat "$data/secrets/pg-app-password")" fm_psql "$data" "$port" "$db" -f - >/dev/null <<SQL
\\getenv app_password FLUID_SETUP_APP_PASSWORD
SELECT set_config('fluid_setup.app_password', :'app_password', false);
\\i '$FM_ROOT/src/Runtime/Setup/database-setup.sql'
SQL
}

fm_psql() {
  local data="$1" port="$2" db="$3"; shift 3
  PGPASSWORD="$(cat "$data/secrets/pg-password")" "$FM_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U fluid -d "$db" "$@"
}

fm_pg_createdb() {
  local data="$1" port="$2" db="$3"
  if [ -z "$(fm_psql "$data" "$port" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    fm_psql "$data" "$port" postgres -c "CREATE DATABASE \"$db\""
  fi
}

fm_build_dotnet() {
  fm_log "building the solution"
  (cd "$FM_ROOT" && dotnet build FluidManager.slnx -c "${1:-Debug}" -nologo -clp:ErrorsOnly -warnaserror) >&2
}

fm_build_dashboard() {
  local dir="$FM_ROOT/src/Dashboard"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    fm_log "installing dashboard packages"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
  if [ "${1:-}" = "--force" ] || [ ! -f "$dir/dist/index.html" ] || [ -n "$(find "$dir/src" "$dir/index.html" -newer "$dir/dist/index.html" -print -quit)" ]; then
    fm_log "building the dashboard"
    (cd "$dir" && npm run --silent build) >&2
  fi
}
