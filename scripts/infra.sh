#!/usr/bin/env bash
# Local infrastructure for development and tests.
#   up      check the tools, PostgreSQL and Redis (the machine runs them; we try to start them
#           if they are down), create the service databases, start Kafka (scripts/kafka.sh)
#   down    stop Kafka; PostgreSQL and Redis belong to the machine and keep running
#   status  one line per piece; exits 1 if something is missing
#
# Environment:
#   TREMPLIN_DATABASES   databases to create, space or comma separated
#                        (default: those of libs/platform/src/services.ts)
#   PGHOST, PGPORT, PGUSER   default 127.0.0.1, 5432, postgres (trust auth)
#   REDIS_HOST, REDIS_PORT   default 127.0.0.1, 6379
#   KAFKA_*              see scripts/kafka.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_SH="$REPO_ROOT/scripts/kafka.sh"
# 127.0.0.1, not localhost: Node may resolve localhost to ::1 first.
PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
PG_USER="${PGUSER:-postgres}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
# The service catalogue is the one home of the database names.
DB_LIST="${TREMPLIN_DATABASES:-$(grep -o "database: 'tremplin_[a-z_]*'" "$REPO_ROOT/libs/platform/src/services.ts" | cut -d"'" -f2 | tr '\n' ' ')}"
read -ra DATABASES <<<"${DB_LIST//,/ }"
KAFKA_PORT="${KAFKA_PORT:-9092}"

# ---------------------------------------------------------------------------------------------
# Checks

check_tools() {
  local missing=()
  command -v java >/dev/null || missing+=("java     -> apt-get install openjdk-17-jre-headless")
  # Maven is only needed to fetch the Kafka jars; kafka.sh checks it again when it must.
  if [[ ! -f ${KAFKA_LIBS_DIR:-$REPO_ROOT/.infra/kafka/libs}/.complete ]]; then
    command -v mvn >/dev/null || missing+=("mvn      -> apt-get install maven")
  fi
  command -v psql >/dev/null || missing+=("psql     -> apt-get install postgresql-client")
  if ((${#missing[@]})); then
    printf '[infra] ERROR: missing tools:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

pg() { PGCONNECT_TIMEOUT=3 psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -X -q -At "$@"; }
pg_ready() { pg -c 'select 1' >/dev/null 2>&1; }

# The Debian cluster command; the newest installed version if there are several.
pg_start_cmd() {
  local version
  # shellcheck disable=SC2012 # version folders are plain numbers
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  PG_START=(pg_ctlcluster --skip-systemctl-redirect "${version:-<version>}" main start)
}

ensure_postgres() {
  pg_ready && return 0
  if port_open "$PG_HOST" "$PG_PORT"; then
    # Something listens but refuses us: starting another server would not help.
    pg -c 'select 1' >&2 || true
    die "PostgreSQL answers on $PG_HOST:$PG_PORT but refuses user '$PG_USER' (expected trust auth)."
  fi
  pg_start_cmd
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    info "PostgreSQL is not answering on $PG_HOST:$PG_PORT; trying: ${PG_START[*]}"
    "${PG_START[@]}" >/dev/null 2>&1 || true
    wait_for pg_ready 20 && return 0
  fi
  die "PostgreSQL is not answering on $PG_HOST:$PG_PORT. Start it with: ${PG_START[*]}"
}

# PING over bash's /dev/tcp: no redis-cli needed.
redis_ready() {
  local reply
  # shellcheck disable=SC2016 # $0/$1 belong to the inner shell
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 &&
    IFS= read -r line <&3 && printf %s "$line"' "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null)" ||
    return 1
  [[ $reply == +PONG* ]]
}

ensure_redis() {
  redis_ready && return 0
  # --save "": no dump.rdb written into whatever the current directory is.
  local cmd=(redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize yes --save "")
  local shown="redis-server --bind $REDIS_HOST --port $REDIS_PORT --daemonize yes --save ''"
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    die "Something listens on $REDIS_HOST:$REDIS_PORT but does not answer PING with PONG (a password?)."
  fi
  if command -v redis-server >/dev/null; then
    info "Redis is not answering on $REDIS_HOST:$REDIS_PORT; trying: $shown"
    "${cmd[@]}" >/dev/null 2>&1 || true
    wait_for redis_ready 10 && return 0
  fi
  die "Redis is not answering on $REDIS_HOST:$REDIS_PORT. Start it with: $shown"
}

# wait_for <check function> <seconds>
wait_for() {
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    "$1" && return 0
    sleep 0.5
  done
  return 1
}

# The names go into SQL: plain identifiers only.
check_database_names() {
  local db
  ((${#DATABASES[@]})) || die "TREMPLIN_DATABASES is empty."
  for db in "${DATABASES[@]}"; do
    [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "Invalid database name '$db' (lowercase letters, digits, _)."
  done
}

db_exists() { [[ "$(pg -c "select 1 from pg_database where datname = '$1'")" == 1 ]]; }

create_databases() {
  local db created=()
  for db in "${DATABASES[@]}"; do
    db_exists "$db" && continue
    # A parallel "up" may create it between the check and here: re-check before failing.
    if pg -c "create database \"$db\"" >/dev/null 2>&1 || db_exists "$db"; then
      created+=("$db")
    else
      pg -c "create database \"$db\"" >&2 || true
      die "Could not create database '$db'."
    fi
  done
  if ((${#created[@]})); then
    info "Created databases: ${created[*]}"
  fi
  info "Databases ready: ${DATABASES[*]}"
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_up() {
  local t0
  t0=$(now_ms)
  check_database_names
  check_tools
  ensure_postgres
  info "PostgreSQL OK on $PG_HOST:$PG_PORT."
  ensure_redis
  info "Redis OK on $REDIS_HOST:$REDIS_PORT."
  create_databases
  bash "$KAFKA_SH" start
  info "Infrastructure up in $(elapsed_s "$t0") s: PostgreSQL $PG_HOST:$PG_PORT, Redis $REDIS_HOST:$REDIS_PORT, Kafka 127.0.0.1:$KAFKA_PORT."
}

cmd_down() {
  bash "$KAFKA_SH" stop
  info "PostgreSQL and Redis are left running (the machine owns them)."
}

cmd_status() {
  local ok=0 db missing=()
  check_database_names
  if command -v psql >/dev/null && pg_ready; then
    for db in "${DATABASES[@]}"; do
      db_exists "$db" || missing+=("$db")
    done
    if ((${#missing[@]})); then
      info "PostgreSQL  up on $PG_HOST:$PG_PORT, missing databases: ${missing[*]} (run: scripts/infra.sh up)"
      ok=1
    else
      info "PostgreSQL  up on $PG_HOST:$PG_PORT, databases: ${DATABASES[*]}"
    fi
  else
    info "PostgreSQL  DOWN on $PG_HOST:$PG_PORT (or psql missing)"
    ok=1
  fi
  if redis_ready; then
    info "Redis       up on $REDIS_HOST:$REDIS_PORT"
  else
    info "Redis       DOWN on $REDIS_HOST:$REDIS_PORT"
    ok=1
  fi
  bash "$KAFKA_SH" status || ok=1
  return "$ok"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
  echo "Usage: $0 {up|down|status}" >&2
  exit 2
  ;;
esac
