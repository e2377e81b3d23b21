#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory: creates the role the
# portal serves as. POSTGRES_USER (hromada) owns the tables and only migrates; `hromada migrate` gives
# hromada_app what the server needs on every table and no more (only INSERT and SELECT on the audit
# log, nothing DDL), so the running portal cannot rewrite the audit log.
#
# On a database created before this script existed, create the role once by hand:
#   docker compose exec postgres psql -U hromada -d hromada \
#     -c "CREATE ROLE hromada_app LOGIN PASSWORD 'the HROMADA_APP_DB_PASSWORD'"
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=app_password="$HROMADA_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE hromada_app LOGIN PASSWORD :'app_password';
SQL
