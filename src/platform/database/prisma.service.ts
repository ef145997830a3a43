import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from 'pino';
import { to as copyTo } from 'pg-copy-streams';
import { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { LOGGER } from '../http/logger.js';
import { settleAuthChanges, type SettleReport } from './auth-settle.js';
import { DATABASE_URL } from './database.tokens.js';
import { APP_ROLE, UUID, type Statement, type TxOptions } from './team-scope.js';

/** The transaction a piece of work runs in, and whose rows it may touch (`null`: the system path). */
interface Scope {
  /** null: a system scope without a transaction, whose statements commit on their own. */
  tx: Tx | null;
  teamId: string | null;
  open: boolean;
}

/** Every column as the text PostgreSQL sent: bulk readers convert only what they use. */
const TEXT_COLUMNS = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** A row of a bulk read: each column's text, or `null`. */
export type TextRow = (string | null)[];

/** Client members that, inside a scope, must go to its transaction rather than to a fresh connection. */
const RAW = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);
/** The model delegates (`run`, `apiKey`, …): what repositories query through. */
const DELEGATES = new Set(Object.values(Prisma.ModelName).map((m) => m[0].toLowerCase() + m.slice(1)));

/**
 * The Prisma client over the pg driver adapter. Repositories are the only
 * callers. Team-scoped work runs in `withTeam` (row-level security applies:
 * the transaction runs as `mantis_app` with `mantis.team_id` set); work that
 * spans teams runs in `system`, named so at every call site.
 *
 * Inside either, every query made through this client — a repository's plain
 * `this.prisma.run.findMany()` included — joins that transaction, so a
 * request's reads, its change and its audit event share one transaction and
 * one team. Outside any scope (worker loops, CLI) the client is the
 * connecting role's, as before.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  private readonly scopes = new AsyncLocalStorage<Scope>();
  /** The pool under Prisma's driver adapter; `teamRead`, `readRows` and `readAuthEpoch` borrow from it too. */
  private readonly pool: pg.Pool;
  /** For `copyRows`: COPY streams cannot run on a pipelined connection. A few connections, opened on first use. */
  private copyPool?: pg.Pool;
  private readonly url: string;
  private strict = false;

  constructor(@Inject(DATABASE_URL) url: string, @Optional() @Inject(LOGGER) logger?: Logger) {
    // Pipelined: a client sends queued statements without waiting for each answer (`teamBatch`);
    // one awaited statement at a time, as Prisma sends them, goes over the wire exactly as before.
    const pool = new pg.Pool({ connectionString: url, max: 20, pipeline: true });
    // An idle connection ended by the server (a restart, a terminated backend) leaves the pool; the next query opens another.
    pool.on('error', () => undefined);
    // A committed auth change returns only once the replicas holding key-cache leases have applied it (auth-settle.ts).
    const report: SettleReport = {
      gaveUp: (waitedMs) => logger?.warn({ waitedMs }, 'auth change: a replica lease outlived its length; not waiting longer'),
      failed: (err) => logger?.warn({ err }, 'auth change committed; could not confirm the replicas applied it'),
    };
    pool.on('connect', (client) => settleAuthChanges(client, report));
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
    this.url = url;
    // Route model delegates, raw queries and $transaction to the current scope's transaction.
    return new Proxy(this, {
      get: (target, prop, receiver) => {
        const scope = target.scopes.getStore();
        if (typeof prop === 'string' && (prop === '$transaction' || RAW.has(prop) || DELEGATES.has(prop))) {
          if (scope?.open && scope.tx) {
            if (prop === '$transaction') return (arg: unknown) => target.joined(scope as Scope & { tx: Tx }, arg);
            const v = (scope.tx as unknown as Record<string, unknown>)[prop];
            return typeof v === 'function' ? v.bind(scope.tx) : v;
          }
          if (!scope?.open && target.strict) {
            throw new Error(`database access outside withTeam/system: ${prop} (name the scope: withTeam for a team's rows, system for cross-team work)`);
          }
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' && prop !== 'constructor' ? v.bind(target) : v;
      },
    });
  }

  /**
   * Runs `fn` in one interactive transaction whose first statement switches to
   * `mantis_app` and sets `mantis.team_id` (one round trip, both transaction-
   * local): every statement inside sees and writes only that team's rows,
   * whatever its own filters say. Inside another scope it joins that
   * transaction and switches it to this team for the duration of `fn`.
   */
  async withTeam<T>(teamId: string, fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    if (!UUID.test(teamId)) throw new Error('withTeam: team id must be a uuid');
    return this.scoped(teamId, fn, opts);
  }

  /**
   * Cross-team work (the dispatcher, admin listings, imports, credential
   * lookups, the global audit chain): the connecting role, which owns the
   * schema or has BYPASSRLS. Never used for a request's own team data.
   * `{ transaction: false }` (outside any scope): no transaction, each
   * statement commits on its own, one round trip each, for reads that need
   * no atomicity (credential lookups on every request).
   */
  async system<T>(fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    return this.scoped(null, fn, opts);
  }

  /**
   * One read of a team's rows on the hot path (a run by id), straight through
   * the pool without Prisma's query engine, under the same row-level security
   * as `withTeam`: `BEGIN`, the role and team in one `set_config` statement,
   * the query, `COMMIT`. Inside an open scope of the same team it joins that
   * transaction instead. `text` uses `$n` placeholders; rows come back with
   * the database's column names.
   */
  async teamRead<R>(teamId: string, text: string, values: unknown[]): Promise<R[]> {
    const [rows] = await this.teamBatch(teamId, [{ text, values }]);
    return rows as R[];
  }

  /**
   * `statements` in one transaction of the team, under the same row-level
   * security as `withTeam`, in one round trip: `BEGIN`, the role and team,
   * the statements and `COMMIT` are sent together (pipelined) on a connection
   * of the pool, without Prisma's query engine. The server runs them in order;
   * if one fails, the rest fail with it, nothing commits and its error is
   * thrown. Returns each statement's rows. Inside an open scope they run in
   * that transaction instead, one after another (an error then aborts it).
   */
  async teamBatch(teamId: string, statements: Statement[]): Promise<unknown[][]> {
    if (!UUID.test(teamId)) throw new Error('teamBatch: team id must be a uuid');
    if (this.scopes.getStore()?.open) {
      return this.withTeam(teamId, async (tx) => {
        const out: unknown[][] = [];
        for (const s of statements) out.push(await tx.$queryRawUnsafe<unknown[]>(s.text, ...s.values));
        return out;
      });
    }
    const settled = await this.pipelined([
      { text: 'BEGIN' },
      { text: SET_TEAM_SQL, values: [APP_ROLE, teamId] },
      ...statements.map((s) => ({ text: s.text, values: s.values })),
      { text: 'COMMIT' },
    ]);
    return committed(settled, 'teamBatch')
      .slice(2, -1)
      .map((r) => r.rows);
  }

  /**
   * From now on a query made outside any scope throws instead of running as
   * the connecting role: forgetting to name the scope (withTeam or system)
   * becomes an error, not a silent cross-team read. Tests turn it on.
   */
  requireScopes(on = true): void {
    this.strict = on;
  }

  /** `fn` outside any scope: its queries commit on their own (e.g. an idempotency claim other requests must see at once). */
  detached<T>(fn: () => Promise<T>): Promise<T> {
    return this.scopes.exit(fn);
  }

  /**
   * One read-only statement that skips Prisma's row mapping (the audit
   * export and log pages, where that mapping is the cost): a connection of
   * the same pool, in a short transaction of its own scoped exactly as
   * `withTeam(teamId)` (or `system` for `null`), rows as arrays of column
   * texts. `BEGIN READ ONLY`, the scope, the statement and `COMMIT` go in one
   * round trip (pipelined, as `teamBatch`). It never joins the caller's
   * scope, so a long stream made of many such reads holds no transaction
   * between them.
   */
  async readRows(teamId: string | null, text: string, values: unknown[]): Promise<TextRow[]> {
    if (teamId !== null && !UUID.test(teamId)) throw new Error('bulk read: team id must be a uuid');
    const settled = await this.pipelined([
      { text: 'BEGIN READ ONLY' },
      ...(teamId ? [{ text: SET_TEAM_SQL, values: [APP_ROLE, teamId] }] : []),
      { text, values, rowMode: 'array' as const, types: TEXT_COLUMNS },
      { text: 'COMMIT' },
    ]);
    const results = committed(settled, 'readRows');
    return results[results.length - 2].rows as TextRow[];
  }

  /**
   * `queries` sent together on one connection of the pool and answered in
   * order: corked, they leave in one write, not several per statement. A
   * connection still inside a transaction afterwards (its COMMIT never ran)
   * is not returned to the pool.
   */
  private async pipelined(queries: (pg.QueryConfig | pg.QueryArrayConfig)[]): Promise<PromiseSettledResult<pg.QueryResult>[]> {
    const client = await this.pool.connect();
    const socket = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
    socket?.cork?.();
    const sent = queries.map((q) => client.query(q));
    socket?.uncork?.();
    const settled = await Promise.allSettled(sent);
    client.release(client.getTransactionStatus() !== 'I');
    return settled;
  }

  /**
   * `COPY (select) TO STDOUT (FORMAT binary)` in the same short read-only,
   * team-scoped transaction as `readRows`, the whole output as one buffer:
   * each column's bytes as PostgreSQL sent them, no string per value (the
   * chain walk reads a million rows). COPY takes no parameters, so `select`
   * must hold only values the caller has validated (uuids, integers).
   */
  async copyRows(teamId: string | null, select: string): Promise<Buffer> {
    if (!this.copyPool) {
      this.copyPool = new pg.Pool({ connectionString: this.url, max: 4 });
      this.copyPool.on('error', () => undefined);
    }
    return this.readOnly(this.copyPool, teamId, async (client) => {
      const chunks: Buffer[] = [];
      const stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    });
  }

  /** `fn` on a connection of `pool`, in a short read-only transaction scoped as `withTeam(teamId)` (`null`: the system path). */
  private async readOnly<T>(pool: pg.Pool, teamId: string | null, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (teamId !== null && !UUID.test(teamId)) throw new Error('bulk read: team id must be a uuid');
    const client = await pool.connect();
    let failed: Error | undefined;
    try {
      // One round trip: a bulk read on a busy event loop waits a turn for each answer. In one simple query,
      // a failing BEGIN runs nothing after it; the statement is ours, the team a checked uuid.
      await client.query(teamId ? `BEGIN READ ONLY; ${scopeSql(teamId)}` : 'BEGIN READ ONLY');
      const value = await fn(client);
      await client.query('COMMIT');
      return value;
    } catch (e) {
      failed = e as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      // A connection whose statement failed midway is not put back.
      client.release(failed);
    }
  }

  /** The auth epoch now (advanced by every committed change to keys, users, memberships or team slugs), in a statement of its own. */
  async readAuthEpoch(): Promise<bigint> {
    // Straight through the pool: this runs on every request served from a key cache that holds no lease.
    const { rows } = await this.pool.query<{ n: string }>('SELECT n FROM mantis_auth_epoch WHERE id = 1');
    return BigInt(rows[0]?.n ?? 0);
  }

  /** The team of the current scope: a uuid, `null` for the system path, `undefined` outside any scope. */
  currentTeam(): string | null | undefined {
    const s = this.scopes.getStore();
    return s?.open ? s.teamId : undefined;
  }

  private async scoped<T>(teamId: string | null, fn: (tx: Tx) => Promise<T>, opts: TxOptions): Promise<T> {
    const outer = this.scopes.getStore();
    if (outer?.open && outer.tx) {
      if (outer.teamId === teamId) return fn(outer.tx);
      return this.switched(outer as Scope & { tx: Tx }, teamId, fn);
    }
    if (outer?.open && teamId === null) return fn(this as unknown as Tx);
    if (teamId === null && opts.transaction === false) {
      const scope: Scope = { tx: null, teamId: null, open: true };
      try {
        return await this.scopes.run(scope, () => fn(this as unknown as Tx));
      } finally {
        scope.open = false;
      }
    }
    return super.$transaction(async (tx) => {
      const scope: Scope = { tx, teamId, open: true };
      if (teamId) await setScope(tx, teamId);
      try {
        return await this.scopes.run(scope, () => fn(tx));
      } finally {
        scope.open = false;
      }
    }, txOptions(opts));
  }

  /** The same transaction, switched to another team (or the system path) for `fn`, then back. */
  private async switched<T>(outer: Scope & { tx: Tx }, teamId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    await setScope(outer.tx, teamId);
    const inner: Scope = { tx: outer.tx, teamId, open: true };
    let value: T;
    try {
      value = await this.scopes.run(inner, () => fn(outer.tx));
    } finally {
      inner.open = false;
    }
    // Only after success: a failed statement aborted the whole transaction, and its error is the one to report.
    await setScope(outer.tx, outer.teamId);
    return value;
  }

  /** `$transaction` inside a scope: an interactive callback runs on the scope's transaction; a batch runs in order on it. */
  private async joined(scope: Scope & { tx: Tx }, arg: unknown): Promise<unknown> {
    if (typeof arg === 'function') return (arg as (tx: Tx) => Promise<unknown>)(scope.tx);
    const results: unknown[] = [];
    for (const p of arg as Promise<unknown>[]) results.push(await p);
    return results;
  }

  /**
   * The pool closes in the last shutdown phase, not at module destroy (which
   * Nest runs first): the dispatcher, senders and flushers stop in
   * onApplicationShutdown and may still be finishing a query until then.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.copyPool?.end();
    await this.$disconnect();
  }
}

/**
 * The results of a pipelined transaction whose last statement is `COMMIT`:
 * the first failure's error if a statement failed (the server then ran the
 * rest in an aborted transaction, and nothing committed), and an error if
 * the transaction did not end in a commit.
 */
function committed(settled: PromiseSettledResult<pg.QueryResult>[], what: string): pg.QueryResult[] {
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const results = settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
  const commit = results[results.length - 1];
  if (commit.command !== 'COMMIT') throw new Error(`${what}: the transaction ended with ${commit.command}`);
  return results;
}

const SET_TEAM_SQL = "SELECT set_config('role', $1, true), set_config('mantis.team_id', $2, true)";

/** `SET_TEAM_SQL` with its values written in, for a simple (multi-statement) query. */
function scopeSql(teamId: string): string {
  return `SELECT set_config('role', ${pg.escapeLiteral(APP_ROLE)}, true), set_config('mantis.team_id', ${pg.escapeLiteral(teamId)}, true)`;
}

/** One statement: the role and the team together (`set_config(..., true)` is SET LOCAL). */
async function setScope(tx: Tx, teamId: string | null): Promise<void> {
  if (teamId) await tx.$queryRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('mantis.team_id', ${teamId}, true)`;
  else await tx.$queryRaw`SELECT set_config('role', 'none', true), set_config('mantis.team_id', '', true)`;
}

function txOptions(opts: TxOptions): { maxWait: number; timeout: number; isolationLevel?: TxOptions['isolationLevel'] } {
  // A loaded machine may wait for a pooled connection: generous bounds, not Prisma's 2 s/5 s.
  return { maxWait: opts.maxWait ?? 15_000, timeout: opts.timeout ?? 30_000, ...(opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : {}) };
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
