-- Two roles for the rehab dashboard on PostgreSQL (issue 14, row 9; SECURITY.md, "PostgreSQL: two roles").
-- Run once as a superuser, with psql: psql -v owner_pw="'...'" -v app_pw="'...'" -f deploy/postgres-roles.sql
--
--   rehab_owner  owns the database, the schema, every table, sequence and function; only
--                `python -m rehab init-db` connects as it (REHAB_MIGRATION_DATABASE_URL).
--   rehab_app    the login the app replicas use (REHAB_DATABASE_URL); owns nothing. Its privileges
--                are granted by `init-db` after each migration (or `python -m rehab grant-app-role
--                rehab_app`); `grant-app-role rehab_app --print-sql` prints the exact statements.

CREATE ROLE rehab_owner LOGIN PASSWORD :owner_pw;
CREATE ROLE rehab_app LOGIN PASSWORD :app_pw NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE rehab OWNER rehab_owner;
REVOKE ALL ON DATABASE rehab FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE rehab TO rehab_owner, rehab_app;

\connect rehab
ALTER SCHEMA public OWNER TO rehab_owner;
-- Nobody else may create objects next to the app's tables (PostgreSQL 15 already does this for PUBLIC).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO rehab_app;
