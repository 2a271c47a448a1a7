#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the office/pgstore tests (issue 11).
#
#   eval "$(bash .ci/pg.sh start)"   # installs (apt, as root) if missing, starts,
#                                    # exports SSJ_TEST_POSTGRES and SSJ_PG_ROOT
#   go test ./office/pgstore/ ./office/ ./cmd/ssj/
#   bash .ci/pg.sh stop              # stops the server, removes its data
#   bash .ci/pg.sh run CMD [ARG...]  # start, run CMD with the DSN, stop
#
# The server listens on 127.0.0.1:${SSJ_PG_PORT:-55432} only, trusts local
# connections (user ssj, database ssj_test), keeps its data in a fresh
# temporary directory, and runs as the non-root user postgres when started
# by root (as the current user otherwise). fsync is off: the data is
# thrown away at stop. start prints shell export lines on stdout and
# progress on stderr.
set -euo pipefail

PORT="${SSJ_PG_PORT:-55432}"

pgbin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin root
  bin=$(pgbin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "pg.sh: PostgreSQL is not installed; run as root, or: apt-get install postgresql" >&2
      exit 1
    fi
    echo "pg.sh: installing PostgreSQL (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(pgbin)
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "pg.sh: something already listens on 127.0.0.1:$PORT; set SSJ_PG_PORT to another port" >&2
    exit 1
  fi
  root=$(mktemp -d /tmp/ssj-pg.XXXXXX)
  mkdir -p "$root/sock"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$root"
  fi
  as_pg "$bin/initdb" -D "$root/data" -U ssj --auth=trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 ||
    { cat "$root/initdb.log" >&2; rm -rf "$root"; exit 1; }
  as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $root/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null ||
    { cat "$root/log" >&2; rm -rf "$root"; exit 1; }
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U ssj ssj_test
  echo "pg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $root" >&2
  echo "export SSJ_PG_ROOT=$root"
  echo "export SSJ_TEST_POSTGRES=postgres://ssj@127.0.0.1:$PORT/ssj_test?sslmode=disable"
}

stop() {
  local root="${SSJ_PG_ROOT:-}"
  if [ -z "$root" ] || [ ! -d "$root/data" ]; then
    echo "pg.sh: nothing to stop (SSJ_PG_ROOT is not a server started by pg.sh start)" >&2
    return 0
  fi
  as_pg "$(pgbin)/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null || true
  rm -rf "$root"
  echo "pg.sh: stopped, $root removed" >&2
}

run() {
  local env
  env=$(start)
  eval "$env"
  trap stop EXIT
  "$@"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
run)
  shift
  [ $# -gt 0 ] || { echo "usage: bash .ci/pg.sh run CMD [ARG...]" >&2; exit 2; }
  run "$@"
  ;;
*)
  echo "usage: eval \"\$(bash .ci/pg.sh start)\"; ...; bash .ci/pg.sh stop   or   bash .ci/pg.sh run CMD [ARG...]" >&2
  exit 2
  ;;
esac
