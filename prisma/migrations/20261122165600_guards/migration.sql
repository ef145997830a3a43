-- Append-only audit log: UPDATE, DELETE and TRUNCATE are refused for every role.
CREATE FUNCTION mantis_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION mantis_audit_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION mantis_audit_append_only();

-- A key name is unique per user among live keys; revoked and rotated-out keys keep theirs.
CREATE UNIQUE INDEX api_keys_user_id_name_live_key
  ON api_keys (user_id, name)
  WHERE revoked_at IS NULL AND replaced_by_id IS NULL;

-- Row-level security as a backstop to repository scoping. A session that sets
-- `mantis.team_id` sees only that team's rows; one that does not (the service
-- itself, migrations) is unrestricted. Table owners and superusers bypass RLS,
-- so production deployments connect as a non-owner role (docker/README.md).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships', 'api_keys', 'workflows', 'hooks', 'runs', 'run_events',
    'artifacts', 'idempotency_records', 'secrets', 'team_keys', 'webhook_deliveries', 'audit_events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY team_isolation ON %I USING (coalesce(current_setting(''mantis.team_id'', true), '''') = '''' OR team_id::text = current_setting(''mantis.team_id'', true))',
      t);
  END LOOP;
END
$$;
