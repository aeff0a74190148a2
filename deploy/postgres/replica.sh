#!/bin/sh
# The streaming replica (docker-compose.yml): copied from the primary with pg_basebackup on its
# first start (-R: it then follows the primary's WAL), read-only (hot standby) afterwards.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "${PRIMARY_HOST:-postgres}" -U replicator \
            -D "$PGDATA" -R -X stream -c fast; do
        echo "waiting for the primary"; rm -rf "${PGDATA:?}"/*; sleep 3
    done
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c jit=off -c pg_trgm.word_similarity_threshold=0.45
