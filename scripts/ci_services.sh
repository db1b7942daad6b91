#!/usr/bin/env bash
# Start the services the tests need: a local PostgreSQL with a role and a database for the store tests.
# Installs PostgreSQL (Debian's package, quietly) only when it is missing. Prints one line for the
# caller to evaluate, and nothing else on standard output:
#   eval "$(bash scripts/ci_services.sh)"   # sets NEWSGRAPH_TEST_PG=postgresql://...
set -euo pipefail
ROLE=${NEWSGRAPH_PG_ROLE:-newsgraph}
PASSWORD=${NEWSGRAPH_PG_PASSWORD:-newsgraph}
DATABASE=${NEWSGRAPH_PG_DATABASE:-newsgraph_test}
PORT=${NEWSGRAPH_PG_PORT:-5432}

log() { echo "ci_services: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    log "installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$VERSION main"; then
    log "creating cluster $VERSION/main"
    pg_createcluster "$VERSION" main --port "$PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $VERSION"
    pg_ctlcluster "$VERSION" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { log "PostgreSQL did not start on port $PORT"; exit 1; }

psql_admin() { su postgres -s /bin/sh -c "psql -q -v ON_ERROR_STOP=1 -p $PORT $*" >&2; }
if ! su postgres -s /bin/sh -c "psql -p $PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'\"" | grep -q 1; then
    psql_admin "-c \"CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'\""
fi
if ! su postgres -s /bin/sh -c "psql -p $PORT -tAc \"SELECT 1 FROM pg_database WHERE datname = '$DATABASE'\"" | grep -q 1; then
    psql_admin "-c \"CREATE DATABASE $DATABASE OWNER $ROLE\""
fi
log "PostgreSQL $VERSION ready on port $PORT, database $DATABASE"
echo "export NEWSGRAPH_TEST_PG=postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
