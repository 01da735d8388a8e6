#!/usr/bin/env bash
# Start/stop a throw-away PostgreSQL 15 server for tools/pg-expected.mjs.
#   sqltests/tools/pg-server.sh start   # initdb (C locale, UTC) + start on 127.0.0.1:${PGPORT:-55432}
#   sqltests/tools/pg-server.sh stop    # stop it and remove the data directory
# Runs the server as the non-root user ${PGSLT_USER:-pgtest} (created if missing
# when run as root). Data directory: ${PGSLT_DIR:-/tmp/pgslt}.
set -euo pipefail
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DIR=${PGSLT_DIR:-/tmp/pgslt}
PORT=${PGPORT:-55432}
USR=${PGSLT_USER:-pgtest}

as_user() {
  if [ "$(id -u)" = 0 ]; then
    id "$USR" >/dev/null 2>&1 || useradd -m "$USR"
    su "$USR" -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

case "${1:-}" in
  start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && { id "$USR" >/dev/null 2>&1 || useradd -m "$USR"; chown "$USR" "$DIR"; }
      as_user "$BIN/initdb -D $DIR -U postgres --auth=trust --locale=C --encoding=UTF8" >/dev/null
    fi
    as_user "$BIN/pg_ctl -D $DIR -l $DIR/server.log -w -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c timezone=UTC -c lc_messages=C' start"
    ;;
  stop)
    as_user "$BIN/pg_ctl -D $DIR -m fast -w stop" || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
