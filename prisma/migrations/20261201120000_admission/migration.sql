-- Anonymous calls of an `auth: none` hook draw from the hook's own bucket.
ALTER TABLE "hooks" ADD COLUMN "rate_limit_per_minute" INTEGER NOT NULL DEFAULT 10;

-- A chat call reserves its worst case before it is sent and is settled after it.
ALTER TABLE "chat_completions" ADD COLUMN "reserved_usd" DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE "chat_completions" ADD COLUMN "settled_at" TIMESTAMPTZ(3);
UPDATE "chat_completions" SET "settled_at" = "created_at";

-- What counts against a team's monthly budget, for run and chat admission and
-- the usage report alike. Spent: this UTC month's cost of finished runs and of
-- chat calls. Reserved: runs still queued or running, and chat calls not yet
-- settled (a chat reservation older than an hour belongs to a process that
-- died mid-call and no longer holds budget).
CREATE FUNCTION mantis_budget_usage(team uuid) RETURNS TABLE (spent double precision, reserved double precision)
LANGUAGE sql STABLE AS $$
  WITH month AS (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start),
  r AS (
    SELECT coalesce(sum(r.cost_usd) FILTER (WHERE r.finished_at >= month.start), 0) AS spent,
           coalesce(sum(r.reserved_usd) FILTER (WHERE r.status IN ('queued', 'running')), 0) AS reserved
      FROM runs r, month
     WHERE r.team_id = team AND (r.status IN ('queued', 'running') OR r.finished_at >= month.start)
  ),
  c AS (
    SELECT coalesce(sum(c.cost_usd) FILTER (WHERE c.created_at >= month.start), 0) AS spent,
           coalesce(sum(c.reserved_usd) FILTER (WHERE c.settled_at IS NULL AND c.created_at > now() - interval '1 hour'), 0) AS reserved
      FROM chat_completions c, month
     WHERE c.team_id = team AND (c.created_at >= month.start OR c.settled_at IS NULL)
  )
  SELECT (r.spent + c.spent)::float8, (r.reserved + c.reserved)::float8 FROM r, c
$$;

-- Live log streams wait on this channel instead of polling: the payload is the run id.
CREATE FUNCTION mantis_run_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mantis_run_events', NEW.run_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER run_events_notify AFTER INSERT ON "run_events"
  FOR EACH ROW EXECUTE FUNCTION mantis_run_event_notify();
