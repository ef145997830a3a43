-- Every replica caches key lookups in process. Changes that alter who a
-- credential is or what it may do are announced on the channel `mantis_auth`
-- at commit, whoever makes them (API, CLI, keys-file import, SQL by hand):
--   k:<key_hash>  one key changed (revoked, rotated, expiry, scopes, deleted)
--   u:<user_id>   a user's memberships, admin flag or kind changed
--   *             a team was renamed or deleted: drop everything
-- Writes of last_used_at alone are not announced.
CREATE FUNCTION mantis_auth_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_keys' THEN
    IF TG_OP = 'UPDATE'
       AND NEW.revoked_at IS NOT DISTINCT FROM OLD.revoked_at
       AND NEW.expires_at IS NOT DISTINCT FROM OLD.expires_at
       AND NEW.scopes IS NOT DISTINCT FROM OLD.scopes
       AND NEW.team_id IS NOT DISTINCT FROM OLD.team_id
       AND NEW.user_id = OLD.user_id
       AND NEW.key_hash = OLD.key_hash THEN
      RETURN NULL;
    END IF;
    PERFORM pg_notify('mantis_auth', 'k:' || OLD.key_hash);
  ELSIF TG_TABLE_NAME = 'memberships' THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM pg_notify('mantis_auth', 'u:' || NEW.user_id::text);
    ELSE
      PERFORM pg_notify('mantis_auth', 'u:' || OLD.user_id::text);
      IF TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id THEN
        PERFORM pg_notify('mantis_auth', 'u:' || NEW.user_id::text);
      END IF;
    END IF;
  ELSIF TG_TABLE_NAME = 'users' THEN
    IF TG_OP = 'UPDATE'
       AND NEW.is_admin = OLD.is_admin
       AND NEW.kind = OLD.kind
       AND NEW.email = OLD.email THEN
      RETURN NULL;
    END IF;
    PERFORM pg_notify('mantis_auth', 'u:' || OLD.id::text);
  ELSIF TG_TABLE_NAME = 'teams' THEN
    IF TG_OP = 'UPDATE' AND NEW.slug = OLD.slug THEN
      RETURN NULL;
    END IF;
    PERFORM pg_notify('mantis_auth', '*');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_auth_notify
  AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();

CREATE TRIGGER memberships_auth_notify
  AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();

CREATE TRIGGER users_auth_notify
  AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();

CREATE TRIGGER teams_auth_notify
  AFTER UPDATE OR DELETE ON teams
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();
