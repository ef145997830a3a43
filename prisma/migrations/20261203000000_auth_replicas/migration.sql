-- Replicas acknowledge the auth epoch (README "Key cache").
--
-- Each API replica holds a lease here while its key cache is current: it has
-- applied every `mantis_auth` notice up to `applied_epoch`. A replica renews
-- its lease (every third of its length) and acknowledges each notice through
-- `mantis_auth_lease`, which grants nothing to a replica that is behind the
-- epoch. A transaction that changed who a credential is waits, after its
-- commit and before its caller hears of it, until no replica holding a lease
-- is behind the epoch: each has applied the change or its lease has run out.
-- While its lease holds, a replica serves a cached key without reading the
-- epoch; without one, each such request reads it (as before this table).
CREATE TABLE "mantis_auth_replicas" (
  "id" UUID PRIMARY KEY,
  "applied_epoch" BIGINT NOT NULL,
  "lease_until" TIMESTAMPTZ NOT NULL
);
REVOKE ALL ON "mantis_auth_replicas" FROM mantis_app;

-- Grants (or renews) `replica`'s lease for `lease_ms` if it has applied the
-- current epoch, and records what it has applied either way. The epoch row is
-- locked in share mode, which orders this against every committing change
-- (the auth-change trigger updates that row just before commit): a change
-- that commits first is seen here (the locked row is read again once it is
-- released), one that commits later finds this lease and waits for the
-- replica's acknowledgement.
CREATE OR REPLACE FUNCTION mantis_auth_lease(replica uuid, applied bigint, lease_ms integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM 1 FROM mantis_auth_epoch WHERE id = 1 AND n <= applied FOR SHARE;
  IF NOT FOUND THEN
    UPDATE mantis_auth_replicas SET applied_epoch = GREATEST(applied_epoch, applied) WHERE id = replica;
    RETURN false;
  END IF;
  INSERT INTO mantis_auth_replicas (id, applied_epoch, lease_until)
  VALUES (replica, applied, clock_timestamp() + lease_ms * interval '1 millisecond')
  ON CONFLICT (id) DO UPDATE
    SET applied_epoch = GREATEST(mantis_auth_replicas.applied_epoch, EXCLUDED.applied_epoch),
        lease_until = EXCLUDED.lease_until;
  RETURN true;
END
$$;
REVOKE ALL ON FUNCTION mantis_auth_lease(uuid, bigint, integer) FROM PUBLIC;
