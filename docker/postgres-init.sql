-- Runs once, as the superuser, when the PostgreSQL volume is first created.
-- Mantis connects as `mantis`: a login role that is NOT a superuser. It owns
-- the schema (it runs the migrations) and has BYPASSRLS for the one system
-- path that spans teams (dispatcher, admin listings, imports). Team-scoped
-- work switches to `mantis_app` (SET LOCAL ROLE), which cannot bypass
-- row-level security and owns nothing.
CREATE ROLE mantis LOGIN PASSWORD 'mantis' NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
CREATE ROLE mantis_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
GRANT mantis_app TO mantis;
ALTER DATABASE mantis OWNER TO mantis;
\connect mantis
ALTER SCHEMA public OWNER TO mantis;
