#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, on 127.0.0.1:55432, from Debian's packages.
#   scripts/postgres-test-server.sh start   install if needed, initialise, start, create msops_test
#   scripts/postgres-test-server.sh stop
set -euo pipefail
PORT=55432
DATA=/tmp/msops-pg-test
LOG=/tmp/msops-pg-test.log

bindir() {
  local ctl
  ctl=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$ctl"
}

install_server() {
  if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/postgres" ]; then
    echo "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}

start() {
  install_server
  local bin
  bin=$(bindir)
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
    as_postgres "'$bin/initdb' -D '$DATA' -U postgres --auth=trust -E UTF8 >/dev/null"
  fi
  if ! as_postgres "'$bin/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
    as_postgres "'$bin/pg_ctl' -D '$DATA' -l '$LOG' -w -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
  fi
  local psql="$bin/psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -q"
  $psql -tc "SELECT 1 FROM pg_roles WHERE rolname='msops'" | grep -q 1 ||
    $psql -c "CREATE ROLE msops LOGIN SUPERUSER PASSWORD 'msops'"
  $psql -tc "SELECT 1 FROM pg_database WHERE datname='msops_test'" | grep -q 1 ||
    $psql -c "CREATE DATABASE msops_test OWNER msops"
  echo "PostgreSQL for tests: postgresql://msops:msops@127.0.0.1:$PORT/msops_test"
}

stop() {
  local bin
  bin=$(bindir)
  [ -n "$bin" ] && [ -f "$DATA/PG_VERSION" ] && as_postgres "'$bin/pg_ctl' -D '$DATA' -m fast stop" >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
