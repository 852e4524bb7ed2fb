#!/usr/bin/env bash
# Start (installing if needed) a local PostgreSQL cluster for the test suite and print its URL
# on the last line. Idempotent: when the cluster is already running it only checks and prints.
#
#   url=$(scripts/postgres-test-server.sh | tail -n 1)
#
# Cluster "rwtest" on port 5433 (RW_PG_PORT overrides), role rw, database recruitwatch_test.
# Installing needs root (apt-get); so does creating the cluster (it runs as the postgres user).
set -euo pipefail

PORT="${RW_PG_PORT:-5433}"
CLUSTER=rwtest
ROLE=rw
PASSWORD=rwtest-local-only
DATABASE=recruitwatch_test

log() { echo "postgres-test-server: $*" >&2; }

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

server_version() {
    ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed -E 's#.*/postgresql/([0-9]+)/bin/postgres#\1#' | sort -n | tail -n 1
}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(server_version)" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed and installing it needs root: run 'sudo apt-get install -y postgresql', then this script again"
        exit 1
    fi
    log "installing PostgreSQL (apt-get install postgresql)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
fi

VERSION="$(server_version)"
if [ -z "$VERSION" ]; then
    log "no PostgreSQL server binaries found under /usr/lib/postgresql after installing"
    exit 1
fi

mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql 2>/dev/null || true

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
    log "creating cluster $VERSION/$CLUSTER on port $PORT"
    pg_createcluster "$VERSION" "$CLUSTER" --port="$PORT" -- --auth-local=trust --auth-host=scram-sha-256 >&2
fi

status="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')"
if [ "$status" != "online" ]; then
    log "starting cluster $VERSION/$CLUSTER"
    pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -h /var/run/postgresql -d postgres -tA)
for _ in $(seq 1 50); do
    if as_postgres "${PSQL[@]}" -c "SELECT 1" >/dev/null 2>&1; then break; fi
    sleep 0.2
done

if [ "$(as_postgres "${PSQL[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != 1 ]; then
    as_postgres "${PSQL[@]}" -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
if [ "$(as_postgres "${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$DATABASE'")" != 1 ]; then
    as_postgres "${PSQL[@]}" -c "CREATE DATABASE $DATABASE OWNER $ROLE" >&2
fi

echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
