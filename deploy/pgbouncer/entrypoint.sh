#!/bin/sh
# Fill in the template from the environment (PG_HOST, PG_PORT, DB_USER, DB_PASSWORD) and run in
# the foreground, logging to stdout. SCRAM both ways: pgbouncer checks the client's password and
# logs in to PostgreSQL with it.
set -eu
umask 077
printf '"%s" "%s"\n' "$DB_USER" "$DB_PASSWORD" > /tmp/userlist.txt
sed -e "s|@PG_HOST@|${PG_HOST:-postgres}|; s|@PG_PORT@|${PG_PORT:-5432}|; s|@LISTEN_ADDR@|0.0.0.0|; s|@LISTEN_PORT@|6432|" \
    -e "s|@SOCKET_DIR@|/tmp|; s|@AUTH_TYPE@|scram-sha-256|; s|@AUTH_FILE@|/tmp/userlist.txt|" \
    -e "/@LOGFILE@/d; /@PIDFILE@/d" /etc/pgbouncer/pgbouncer.ini.template > /tmp/pgbouncer.ini
exec pgbouncer /tmp/pgbouncer.ini
