import type pg from 'pg';

/**
 * A change to who a credential is (a key revoked or rotated, a membership or
 * role, a user, a team's slug) is not reported as done until every API
 * replica holding a lease on its key cache (`mantis_auth_replicas`) has
 * applied it, or that lease has run out (README "Key cache"). Replicas with
 * a lease then serve cached keys without reading the auth epoch per request.
 *
 * This happens on the connection itself, for every caller: each pooled
 * connection recognises the statements that write those tables, and the
 * statement that commits such a write (the `COMMIT` of its transaction, or the
 * write itself outside one) resolves only after the wait, on the same
 * connection, which is still the caller's. The auth-change trigger fires at
 * commit for the rows that matter; a write to these tables that it ignores
 * (`last_used_at`, a team's name) costs one check, and waits only if some
 * replica happens to be behind at that moment.
 */

/** A write to a table whose changes the auth-change trigger announces. */
const AUTH_WRITE = /\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(?:"?public"?\.)?"?(?:api_keys|memberships|users|teams)"?(?![\w"])/i;

const SETTLED_FIRST = `SELECT e.n::text AS n, NOT EXISTS (
    SELECT 1 FROM mantis_auth_replicas r WHERE r.lease_until > now() AND r.applied_epoch < e.n) AS settled
  FROM mantis_auth_epoch e WHERE e.id = 1`;
const SETTLED_AGAIN = `SELECT NOT EXISTS (
    SELECT 1 FROM mantis_auth_replicas r WHERE r.lease_until > now() AND r.applied_epoch < $1::bigint) AS settled`;

/** Polling interval while a replica is behind: its acknowledgement usually follows within milliseconds. */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;
/** No lease outlives `MANTIS_AUTH_LEASE_MS` (at most 30 s) unrenewed; past this something else is wrong, and the change stands. */
const GIVE_UP_MS = 60_000;

type Callback = (err: Error | null, res?: unknown) => void;
type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

const enum Kind {
  Other,
  Begin,
  Commit,
  Rollback,
  AuthWrite,
}

function kindOf(text: string): Kind {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  switch (text.charCodeAt(i) | 0x20) {
    case 0x62: // b
      return /^begin\b/i.test(text.slice(i, i + 6)) ? Kind.Begin : Kind.Other;
    case 0x63: // c
      return /^commit\b/i.test(text.slice(i, i + 7)) ? Kind.Commit : Kind.Other;
    case 0x72: // r: ROLLBACK ends the transaction, ROLLBACK TO SAVEPOINT does not
      return /^rollback\s*;?\s*$/i.test(text.slice(i)) ? Kind.Rollback : Kind.Other;
    case 0x75: // update
    case 0x64: // delete
    case 0x69: // insert
    case 0x77: // with
      return AUTH_WRITE.test(text) ? Kind.AuthWrite : Kind.Other;
    default:
      return Kind.Other;
  }
}

export interface SettleReport {
  /** The wait outlived every lease (a replica's clock or the database misbehaving): the change stands, callers go on. */
  gaveUp(waitedMs: number): void;
  /** The check itself failed: the change is committed; the caller is not told otherwise. */
  failed(err: unknown): void;
}

/** Makes `client` wait for the replicas after committing an auth change (see the file comment). Call once per new connection. */
export function settleAuthChanges(client: pg.PoolClient | pg.Client, report: SettleReport): void {
  const query = client.query.bind(client) as Query;
  let inTransaction = false;
  let touched = false;
  const settle = () => waitForReplicas(query, report);
  (client as unknown as { query: Query }).query = (config, values, callback) => {
    const text = typeof config === 'string' ? config : (config as { text?: unknown; submit?: unknown } | null)?.text;
    if (typeof text !== 'string' || typeof (config as { submit?: unknown }).submit === 'function') return query(config, values, callback);
    switch (kindOf(text)) {
      case Kind.Other:
        return query(config, values, callback);
      case Kind.Begin:
        inTransaction = true;
        touched = false;
        return query(config, values, callback);
      case Kind.Rollback:
        inTransaction = false;
        touched = false;
        return query(config, values, callback);
      case Kind.Commit: {
        const changed = touched;
        inTransaction = false;
        touched = false;
        return changed ? thenSettle(query, settle, config, values, callback) : query(config, values, callback);
      }
      case Kind.AuthWrite:
        if (inTransaction) {
          touched = true;
          return query(config, values, callback);
        }
        return thenSettle(query, settle, config, values, callback);
    }
  };
}

/** Runs the statement; on success, waits (`settle`) before its caller sees the result, in the caller's style. */
function thenSettle(query: Query, settle: () => Promise<void>, config: unknown, values: unknown, callback: unknown): unknown {
  if (typeof values === 'function') {
    callback = values;
    values = undefined;
  }
  if (typeof callback === 'function') {
    const done = callback as Callback;
    query(config, values, (err: Error | null, res?: unknown) => {
      if (err) return done(err);
      void settle().then(() => done(null, res));
    });
    return undefined;
  }
  return (query(config, values) as Promise<unknown>).then(async (res) => {
    await settle();
    return res;
  });
}

async function waitForReplicas(query: Query, report: SettleReport): Promise<void> {
  const started = performance.now();
  try {
    const first = (await query(SETTLED_FIRST)) as pg.QueryResult<{ n: string; settled: boolean }>;
    const row = first.rows[0];
    if (!row || row.settled) return;
    let pause = FIRST_POLL_MS;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      const again = (await query(SETTLED_AGAIN, [row.n])) as pg.QueryResult<{ settled: boolean }>;
      if (again.rows[0]?.settled) return;
      const waited = performance.now() - started;
      if (waited > GIVE_UP_MS) return report.gaveUp(Math.round(waited));
      pause = Math.min(MAX_POLL_MS, pause * 2);
    }
  } catch (err) {
    report.failed(err);
  }
}
