#!/usr/bin/env bash
# PostgreSQL for tests and local runs, without Docker: Debian's packaged
# binaries, a private cluster of our own (not the system's "main" cluster).
#
#   deploy/postgres.sh install     apt-get install postgresql if no pg_ctl/initdb is found
#   deploy/postgres.sh start       initdb once, start on 127.0.0.1:${PG_PORT:-15432}, ensure the databases
#   deploy/postgres.sh stop        fast shutdown; fine if not running
#   deploy/postgres.sh status      running / not running
#   deploy/postgres.sh url NAME    postgresql+psycopg://continuum@127.0.0.1:15432/continuum_NAME
#
# Environment:
#   CONTINUUM_CACHE  state dir (default: <repo>/.cache)
#   PG_PORT          TCP port on 127.0.0.1 (default 15432)
#   PG_BIN           directory with pg_ctl/initdb/psql (default: newest /usr/lib/postgresql/*/bin)
#
# Layout: $CACHE/pg-data (cluster, owned by the `postgres` OS user when run as
# root, because initdb and postgres refuse to run as root) and $CACHE/pg-run
# (unix socket, server log). If the postgres user cannot reach $CACHE (e.g. the
# clone lives under /root, mode 700), both go to /var/tmp/continuum-pg-$PG_PORT
# instead; we never loosen permissions outside the state dir. The cluster is
# for tests: trust auth, superuser `continuum`, fsync off - never for real data.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
CACHE=${CONTINUUM_CACHE:-$REPO/.cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

PG_PORT=${PG_PORT:-15432}
PG_SUPERUSER=continuum
DATABASES=(continuum_intake continuum_dispatch continuum_handoff continuum_followup continuum_board continuum_test)

log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: ERROR: $*" >&2; exit 1; }

# ------------------------------------------------------------ binaries ----

find_pg_bin() {  # -> sets PG_BIN, returns 1 if PostgreSQL is not installed
    if [[ -n ${PG_BIN:-} ]]; then
        [[ -x $PG_BIN/pg_ctl && -x $PG_BIN/initdb ]]
        return
    fi
    local d best=""
    # Debian keeps the server binaries out of PATH, one dir per major version.
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
        [[ -x $d/pg_ctl && -x $d/initdb && -x $d/postgres ]] && best=$d
    done
    if [[ -z $best ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        best=$(dirname "$(command -v initdb)")
    fi
    [[ -n $best ]] || return 1
    PG_BIN=$best
}

install() {  # [quiet]
    if find_pg_bin; then
        [[ ${1:-} == quiet ]] || log "PostgreSQL found in $PG_BIN"
        return 0
    fi
    [[ $EUID == 0 ]] || die "PostgreSQL is not installed and we are not root: apt-get install postgresql"
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get"
    log "installing PostgreSQL from Debian packages ..."
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
    find_pg_bin || die "postgresql installed but pg_ctl/initdb not found under /usr/lib/postgresql/*/bin"
    log "PostgreSQL installed in $PG_BIN"
}

# ---------------------------------------------------------- dirs, user ----

as_pg() {  # run a command as the cluster owner
    if [[ $EUID == 0 ]]; then
        # cd /: the caller's cwd (often /root) may be unreadable for postgres
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

choose_dirs() {  # -> PGDATA, PGRUN
    local base=$CACHE fallback=/var/tmp/continuum-pg-$PG_PORT
    if [[ $EUID == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (is the postgresql package installed?)"
        # test -x resolves the whole path as postgres, so it fails if any parent is closed.
        if ! runuser -u postgres -- test -x "$CACHE" 2>/dev/null; then
            log "the postgres user cannot reach $CACHE; using $fallback"
            base=$fallback
        fi
    fi
    PGDATA=$base/pg-data
    PGRUN=$base/pg-run
    # A unix socket path must fit in 107 bytes.
    if ((${#PGRUN} + 20 > 107)); then PGRUN=$fallback/run; fi
}

prepare_dirs() {
    mkdir -p "$PGDATA" "$PGRUN"
    chmod 700 "$PGDATA"   # postgres refuses a group/world-readable data dir
    if [[ $EUID == 0 ]]; then chown postgres:postgres "$PGDATA" "$PGRUN"; fi
}

# -------------------------------------------------------------- server ----

is_running() { [[ -f $PGDATA/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

psql_tcp() {  # db args... : psql over TCP as the continuum superuser
    local db=$1; shift
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$db" "$@"
}

# Another of our clusters may still hold the port: a previous run from another
# clone (another .cache) on this machine, maybe with its data dir deleted.
# Stop it if it is ours - its data dir has our continuum.conf, or is gone -
# and refuse to touch anything else.
free_port() {
    port_open "$PG_PORT" || return 0
    local pid="" dir="" i
    pid=$(ss -ltnpH "sport = :$PG_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
    if [[ -n $pid ]] && [[ $(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)") == postgres ]]; then
        dir=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | sed -n '/^-D$/{n;p;q}')
    fi
    if [[ -n $dir ]] && [[ -f $dir/continuum.conf || ! -d $dir ]]; then
        log "stopping leftover continuum cluster $dir (pid $pid) on port $PG_PORT"
        if [[ -f $dir/postmaster.pid ]]; then
            as_pg "$PG_BIN/pg_ctl" -D "$dir" stop -m fast -w -t 20 >/dev/null || true
        fi
        kill -INT "$pid" 2>/dev/null || true    # SIGINT = fast shutdown
        for ((i = 0; i < 100; i++)); do
            port_open "$PG_PORT" || return 0
            ((i == 50)) && kill -QUIT "$pid" 2>/dev/null   # immediate shutdown
            sleep 0.2
        done
    fi
    die "127.0.0.1:$PG_PORT is in use by another process: $(ss -ltnp 2>/dev/null | grep ":$PG_PORT\b" | tr -s ' ' || true)"
}

init_cluster() {
    local major
    major=$("$PG_BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
    if [[ -f $PGDATA/PG_VERSION && $(cat "$PGDATA/PG_VERSION") != "$major" ]]; then
        # test data only: a cluster from another major version is simply recreated
        log "cluster in $PGDATA is PostgreSQL $(cat "$PGDATA/PG_VERSION"), binaries are $major: recreating it"
        rm -rf "$PGDATA"
        prepare_dirs
    fi
    if [[ ! -f $PGDATA/PG_VERSION ]]; then
        find "$PGDATA" -mindepth 1 -delete   # leftovers of an interrupted initdb
        log "initdb $PGDATA (PostgreSQL $major, superuser $PG_SUPERUSER, trust auth)"
        as_pg "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --no-locale --no-sync \
            >"$PGRUN/initdb.log" 2>&1 || { cat "$PGRUN/initdb.log" >&2; die "initdb failed"; }
        echo "include 'continuum.conf'" >>"$PGDATA/postgresql.conf"
    fi
    # Rewritten on every start so PG_PORT / the socket dir always match.
    cat >"$PGDATA/continuum.conf" <<EOF
# written by deploy/postgres.sh on every start
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGRUN'
max_connections = 200
# throwaway test data: durability traded for speed
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
    if [[ $EUID == 0 ]]; then chown postgres:postgres "$PGDATA/continuum.conf"; fi
}

ensure_databases() {
    local db sql=""
    for db in "${DATABASES[@]}"; do
        sql+="SELECT 'CREATE DATABASE $db' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db')"$'\n\\gexec\n'
    done
    psql_tcp postgres <<<"$sql" || die "could not create the databases"
}

start() {
    install quiet
    choose_dirs
    if is_running; then
        log "already running on 127.0.0.1:$PG_PORT (data $PGDATA)"
    else
        local t0=$SECONDS
        free_port
        prepare_dirs
        init_cluster
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT (data $PGDATA, log $PGRUN/postgres.log)"
        # 8>&-: the server must not inherit our lock fd
        if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGRUN/postgres.log" -w -t 60 start >/dev/null 8>&-; then
            tail -n 30 "$PGRUN/postgres.log" >&2 || true
            die "PostgreSQL did not start (log above)"
        fi
        log "started in $((SECONDS - t0))s"
    fi
    local i
    for ((i = 0; i < 50; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.2
    done
    ensure_databases
    log "ready: postgresql://$PG_SUPERUSER@127.0.0.1:$PG_PORT/ (databases: ${DATABASES[*]})"
}

stop() {
    find_pg_bin || { log "PostgreSQL is not installed: nothing to stop"; return 0; }
    choose_dirs
    if is_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast -w -t 30 >/dev/null
        log "stopped"
    else
        free_port   # our port held by a leftover cluster of another state dir
        log "not running"
    fi
}

status() {
    find_pg_bin || { echo "postgres: not installed"; return 0; }
    choose_dirs
    if is_running; then
        echo "postgres: running (127.0.0.1:$PG_PORT, data $PGDATA)"
    else
        echo "postgres: not running"
    fi
}

url() {
    [[ -n ${1:-} ]] || die "usage: deploy/postgres.sh url NAME   (NAME: intake, dispatch, handoff, followup, test)"
    local db=$1
    [[ $db == continuum_* ]] || db=continuum_$db
    echo "postgresql+psycopg://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$db"
}

# One postgres.sh at a time per state dir (parallel test sessions).
lock() {
    mkdir -p "$CACHE"
    exec 8>"$CACHE/.postgres.lock"
    flock -w 300 8 || die "another deploy/postgres.sh has been busy for 300 s"
}

case ${1:-} in
    install) lock; install ;;
    start) lock; start ;;
    stop) lock; stop ;;
    status) status ;;
    url) url "${2:-}" ;;
    *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
