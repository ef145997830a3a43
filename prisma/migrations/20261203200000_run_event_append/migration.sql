-- Appends one event to a run with the next sequence number, in the caller's
-- transaction. Writers of one run's events do not lock each other out (a
-- worker's queued events, the API's cancel request, the terminal update), so
-- two can pick the same number; the one that commits second used to fail
-- with a unique violation, and with it the transaction it was part of (a
-- cancel answered 500). Here each attempt is a subtransaction: a conflict
-- is retried with a fresh read of the run's last number (each statement of a
-- volatile function sees what committed before it, under READ COMMITTED).
-- It runs as its caller (row-level security applies as to the insert itself).
CREATE FUNCTION mantis_append_run_event(p_run text, p_team uuid, p_type text, p_data jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  n integer;
BEGIN
  FOR attempt IN 1..20 LOOP
    BEGIN
      INSERT INTO run_events (run_id, team_id, seq, type, data)
      SELECT p_run, p_team, coalesce(max(seq), 0) + 1, p_type, p_data FROM run_events WHERE run_id = p_run
      RETURNING seq INTO n;
      RETURN n;
    EXCEPTION WHEN unique_violation THEN
      IF attempt = 20 THEN
        RAISE;
      END IF;
    END;
  END LOOP;
END
$$;
