#!/usr/bin/env bash
# Makes sure Redis (>= 6.2) and PostgreSQL answer on 127.0.0.1 and that the databases Trawl uses
# exist: starts them if they are installed but down, installs the Debian packages if they are
# missing. Safe to run again and again. Used by .ci/run and by the README's run command.
# Also installs what the deploy checks of the test suite run (ManifestChecksTest): promtool (Debian's
# prometheus package) and Node.js with the schema packages of deploy/validate (npm ci); and for the
# console's browser tests (ConsoleIT, ConsoleRestartChaosIT) Debian's chromium and chromium-driver.
set -euo pipefail

REDIS_PORT=6379
PG_PORT=5432
DATABASES=(trawl trawl_test)
apt_updated=0

log() { echo "[ensure-services] $*"; }

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing $*; install it with your package manager and run this again"; exit 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ "$apt_updated" -eq 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "$what did not come up within ${seconds}s"; return 1
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    log "installing Redis"; apt_install redis-server redis-tools
  fi
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/trawl.log
    wait_for Redis 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  fi
  local version
  version=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server | tr -d '\r' | awk -F: '/^redis_version:/{print $2}')
  if [ "$(printf '%s\n6.2.0\n' "$version" | sort -V | head -1)" != "6.2.0" ]; then
    log "Redis $version is too old: Trawl needs 6.2 or later (XAUTOCLAIM, exclusive XRANGE)"; exit 1
  fi
  log "Redis $version is up"
}

pg_query() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "$1"; }

ensure_postgres() {
  if ! command -v psql >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "installing PostgreSQL"; apt_install postgresql postgresql-client
  fi
  if ! pg_isready -h 127.0.0.1 -p "$PG_PORT" -q; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    log "starting PostgreSQL $version on 127.0.0.1:$PG_PORT"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for PostgreSQL 60 pg_isready -h 127.0.0.1 -p "$PG_PORT" -q
  fi
  if ! pg_query "select 1" >/dev/null 2>&1; then
    # A fresh Debian cluster asks for passwords on TCP; Trawl's local defaults use the postgres user
    # without one, so trust loopback connections (this is a developer or CI machine).
    local version hba
    version=$(ls /etc/postgresql | sort -V | tail -1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    log "allowing passwordless loopback connections in $hba"
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    wait_for "PostgreSQL login" 30 pg_query "select 1"
  fi
  for db in "${DATABASES[@]}"; do
    if [ "$(pg_query "select 1 from pg_database where datname = '$db'")" != "1" ]; then
      log "creating database $db"
      pg_query "create database $db" >/dev/null
    fi
  done
  log "PostgreSQL is up with databases ${DATABASES[*]}"
}

ensure_deploy_check_tools() {
  if ! command -v promtool >/dev/null 2>&1; then
    log "installing promtool (Debian package prometheus)"; apt_install --no-install-recommends prometheus
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js"; apt_install nodejs npm
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    log "installing openssl (RedisTlsIT makes its certificates with it)"; apt_install openssl
  fi
  local validate
  validate="$(cd "$(dirname "$0")/../validate" && pwd)"
  if [ ! -d "$validate/node_modules" ] || [ "$validate/package-lock.json" -nt "$validate/node_modules" ]; then
    log "installing the manifest schema packages in $validate"
    (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules)
  fi
  log "promtool $(promtool --version 2>&1 | awk 'NR==1{print $3}') and node $(node --version) are there"
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Chromium and its driver (Debian packages chromium, chromium-driver)"
    apt_install chromium chromium-driver
  fi
  log "$(/usr/bin/chromium --version 2>/dev/null | head -1) and chromedriver are there"
}

ensure_redis
ensure_postgres
ensure_deploy_check_tools
ensure_browser
