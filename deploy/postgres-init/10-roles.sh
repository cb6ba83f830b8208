#!/bin/sh
# Run once by the postgres image when its data directory is created (docker-entrypoint-initdb.d).
# Two roles (docs/operations.md): revocation_owner owns the database and runs the migrations;
# revocation_app, which the web, worker and beat connect as, owns nothing, and `migrate` grants it
# read and write but only SELECT and INSERT on the audit trail. The superuser of POSTGRES_USER is
# for the database administrator, never for the app.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$REVOCATION_OWNER_PASSWORD" -v app_password="$REVOCATION_APP_PASSWORD" <<'SQL'
CREATE ROLE revocation_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE revocation_app LOGIN PASSWORD :'app_password';
CREATE DATABASE revocation OWNER revocation_owner ENCODING 'UTF8'
  LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
SQL
