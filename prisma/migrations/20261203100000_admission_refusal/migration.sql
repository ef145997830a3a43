-- A refused run admission raises inside its statement (SQLSTATE MA429, the
-- refusal's figures as JSON in DETAIL), so the statements sent with it in the
-- same transaction (its idempotency record, its audit event) fail with it and
-- nothing commits.
CREATE FUNCTION mantis_admission_refused(details jsonb) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MA429', MESSAGE = 'run admission refused', DETAIL = details::text;
END
$$;
