#!/usr/bin/env bash
# Start throwaway PostgreSQL and Redis servers on loopback for the test suite, and print the
# environment that points the tests at them. Usage:  eval "$(scripts/test-services.sh start)"
#                                                    scripts/test-services.sh stop
set -euo pipefail
STATE_DIR=${OVERSIGHT_SERVICES_DIR:-/tmp/oversight-test-services}
PG_PORT=${OVERSIGHT_PG_PORT:-54329}
REDIS_PORT=${OVERSIGHT_REDIS_PORT:-63799}

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }; done
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1
}

as_pg() {
  # PostgreSQL refuses to run as root; use the postgres account when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin; bin=$(pg_bin)
  mkdir -p "$STATE_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$STATE_DIR"
  if [ ! -f "$STATE_DIR/pg/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$STATE_DIR/pg" -U oversight --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$STATE_DIR/pg" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$STATE_DIR/pg" -l "$STATE_DIR/pg.log" -w \
      -o "-p $PG_PORT -k $STATE_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
  fi
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U oversight oversight_test 2>/dev/null || true
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" >/dev/null
    for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export TEST_POSTGRES_URL=postgresql+psycopg://oversight@127.0.0.1:$PG_PORT/oversight_test"
  echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/15"
}

stop() {
  local bin; bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$STATE_DIR/pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
