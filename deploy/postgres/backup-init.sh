#!/bin/sh
# Run once by the postgres image on a new primary (/docker-entrypoint-initdb.d): pgBackRest's stanza,
# so the WAL archived from the first write on has somewhere to go (scripts/backup run creates it too).
set -eu
/opt/tienda/scripts/backup init
