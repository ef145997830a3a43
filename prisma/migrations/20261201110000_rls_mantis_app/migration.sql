-- Row-level security as a real second wall (README "Row-level security").
--
-- `mantis_app` is the role team-scoped work runs as (SET LOCAL ROLE inside a
-- transaction that also sets `mantis.team_id`). It cannot log in, cannot
-- bypass RLS and owns nothing, so it can never alter a policy or a trigger.
-- Roles are cluster-wide: several databases on one server share it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mantis_app') THEN
    CREATE ROLE mantis_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created concurrently by a migration of another database on this server
END
$$;

-- The connecting (migrating) role must be able to SET ROLE mantis_app.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'mantis_app', 'MEMBER') THEN
    EXECUTE format('GRANT mantis_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO mantis_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mantis_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mantis_app;
REVOKE ALL ON "_prisma_migrations" FROM mantis_app;
-- The audit log is append-only for the application: no UPDATE, DELETE or TRUNCATE.
REVOKE ALL ON audit_events FROM mantis_app;
GRANT SELECT, INSERT ON audit_events TO mantis_app;
-- Tables added by later migrations get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mantis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO mantis_app;

-- Every table with a team_id column: RLS enabled and forced (owners too), one
-- policy that shows and accepts only the rows of `mantis.team_id`. Unset (NULL,
-- or '' once a transaction-local value has ended) matches nothing. Later
-- migrations that add a team_id table call `SELECT mantis_team_rls('<table>')`.
CREATE FUNCTION mantis_team_rls(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DROP POLICY IF EXISTS team_isolation ON %I', t);
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  EXECUTE format(
    'CREATE POLICY team_isolation ON %I AS PERMISSIVE FOR ALL '
    'USING (team_id = NULLIF(current_setting(''mantis.team_id'', true), '''')::uuid) '
    'WITH CHECK (team_id = NULLIF(current_setting(''mantis.team_id'', true), '''')::uuid)', t);
END
$$;
REVOKE ALL ON FUNCTION mantis_team_rls(text) FROM PUBLIC;

DO $$
DECLARE t text;
BEGIN
  FOR t IN
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
    WHERE c.table_schema = 'public' AND c.column_name = 'team_id' AND tb.table_type = 'BASE TABLE'
    ORDER BY 1
  LOOP
    PERFORM mantis_team_rls(t);
  END LOOP;
END
$$;
