-- Exact revocation across replicas (README "Key cache").
--
-- Every change announced on `mantis_auth` also advances one counter, the auth
-- epoch, and the notice carries the value it advanced to: `<epoch> <notice>`.
-- The counter's row lock is held until commit, so epochs rise in commit order,
-- which is the order PostgreSQL delivers the notices in. A replica knows the
-- highest epoch whose notice it has applied; a request served from its key
-- cache reads the current epoch in its first statement, and a higher one means
-- a change committed that the cache may not reflect yet: the key is looked up
-- again. So once a revoking request has answered, no replica accepts the key.
CREATE TABLE "mantis_auth_epoch" (
  "id" INTEGER PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
  "n" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "mantis_auth_epoch" ("id", "n") VALUES (1, 0);
-- The application reads it; only the trigger function (its owner's rights) moves it.
REVOKE ALL ON "mantis_auth_epoch" FROM mantis_app;
GRANT SELECT ON "mantis_auth_epoch" TO mantis_app;

CREATE OR REPLACE FUNCTION mantis_auth_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  notices text[] := '{}';
  epoch bigint;
  notice text;
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
    notices := ARRAY['k:' || OLD.key_hash];
  ELSIF TG_TABLE_NAME = 'memberships' THEN
    IF TG_OP = 'INSERT' THEN
      notices := ARRAY['u:' || NEW.user_id::text];
    ELSE
      notices := ARRAY['u:' || OLD.user_id::text];
      IF TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id THEN
        notices := notices || ('u:' || NEW.user_id::text);
      END IF;
    END IF;
  ELSIF TG_TABLE_NAME = 'users' THEN
    IF TG_OP = 'UPDATE'
       AND NEW.is_admin = OLD.is_admin
       AND NEW.kind = OLD.kind
       AND NEW.email = OLD.email THEN
      RETURN NULL;
    END IF;
    notices := ARRAY['u:' || OLD.id::text];
  ELSIF TG_TABLE_NAME = 'teams' THEN
    IF TG_OP = 'UPDATE' AND NEW.slug = OLD.slug THEN
      RETURN NULL;
    END IF;
    notices := ARRAY['*'];
  END IF;
  FOREACH notice IN ARRAY notices LOOP
    UPDATE mantis_auth_epoch SET n = n + 1 WHERE id = 1 RETURNING n INTO epoch;
    PERFORM pg_notify('mantis_auth', epoch::text || ' ' || notice);
  END LOOP;
  RETURN NULL;
END
$$;

-- Deferred to commit: the epoch row is then the last lock a transaction takes,
-- so two transactions changing keys cannot deadlock on it.
DROP TRIGGER api_keys_auth_notify ON api_keys;
DROP TRIGGER memberships_auth_notify ON memberships;
DROP TRIGGER users_auth_notify ON users;
DROP TRIGGER teams_auth_notify ON teams;

CREATE CONSTRAINT TRIGGER api_keys_auth_notify
  AFTER UPDATE OR DELETE ON api_keys
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();

CREATE CONSTRAINT TRIGGER memberships_auth_notify
  AFTER INSERT OR UPDATE OR DELETE ON memberships
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();

CREATE CONSTRAINT TRIGGER users_auth_notify
  AFTER UPDATE OR DELETE ON users
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();

CREATE CONSTRAINT TRIGGER teams_auth_notify
  AFTER UPDATE OR DELETE ON teams
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mantis_auth_notify();
