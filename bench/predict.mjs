// POST /v1/predict (detached, with an Idempotency-Key: idempotency record,
// concurrency check under the team's advisory lock, run insert, first event,
// audit event) and GET /v1/runs/{id} through the whole Mantis pipeline,
// against bare Fastify routes in the same process doing the same SQL with
// `pg` directly (no auth, no guards, no validation). autocannon -c 50 -d 10,
// median of 3 rounds.
//
//   npm run build && node bench/predict.mjs
//
// Besides req/s it prints what moves little with other work on the machine:
// statements (and transactions) per request, counted on every pg client of
// the process over sequential requests; CPU µs per request
// (`process.cpuUsage()` over BENCH_CPU_REQUESTS requests at -c 50, server and
// load generator together, as auth-me.mjs); and how long each submit held its
// team's admission lock (from sending the lock statement to the end of its
// COMMIT), under -c 50.
//
// Needs a PostgreSQL server: BENCH_DATABASE_URL (default
// postgresql://postgres@127.0.0.1:5432/postgres); a scratch database is
// created and dropped. MANTIS_DIST points at another build (default ./dist).
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';

const dist = resolve(process.env.MANTIS_DIST ?? 'dist');
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { createHttpApp } = await load('app.factory.js');
const { loadConfig } = await load('config/app-config.js');
const { createLogger } = await load('platform/http/logger.js');
const { migrate } = await load('platform/database/migrator.js');
const { generateApiKey } = await load('platform/auth/api-key-format.js');

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CPU_REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 2000);
const PLAN = { steps: [{ navigate: 'https://example.com/' }, { extract: { name: 'title', selector: 'h1' } }] };

const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const dbName = `mantis_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
const databaseUrl = dbUrl.toString();

/**
 * The bare baseline: the SQL of a detached submit and of a run read, nothing
 * else, in the same transactions Mantis uses with row-level security on: each
 * opens with the one statement that switches to mantis_app and sets the team.
 */
const SCOPE = `SELECT set_config('role', 'mantis_app', true), set_config('mantis.team_id', $1, true)`;

async function inTeam(pool, teamId, fn) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(SCOPE, [teamId]);
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

function bareApp(pool, teamId) {
  const app = Fastify({ logger: false });
  app.post('/v1/predict', async (req, reply) => {
    const key = req.headers['idempotency-key'];
    const hash = createHash('sha256').update(JSON.stringify(req.body)).digest('hex');
    // The idempotency claim commits on its own, as Mantis's does.
    const idem = await inTeam(pool, teamId, (c) =>
      c.query(
        `INSERT INTO idempotency_records (team_id, key, request_hash, state, locked_until, expires_at)
         VALUES ($1, $2, $3, 'in_flight', now() + interval '60 seconds', now() + interval '24 hours') ON CONFLICT DO NOTHING RETURNING id`,
        [teamId, key, hash],
      ),
    );
    const id = `run_${randomBytes(16).toString('hex')}`;
    // The change and its audit event: one transaction.
    await inTeam(pool, teamId, async (c) => {
      await c.query('SELECT max_concurrent_runs, max_cost_per_run, allowed_domains, monthly_budget_usd FROM teams WHERE id = $1', [teamId]);
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [teamId]);
      const active = (await c.query(`SELECT count(*)::int AS n FROM runs WHERE team_id = $1 AND status IN ('queued', 'running')`, [teamId])).rows[0].n;
      if (active >= 1_000_000) throw new Error('cap');
      await c.query(
        `INSERT INTO runs (id, team_id, plan, max_cost, max_time_minutes, max_steps, max_loop_iterations, reserved_usd, updated_at)
         VALUES ($1, $2, $3, 25, 60, 100, 50, 25, now())`,
        [id, teamId, JSON.stringify(req.body.plan)],
      );
      await c.query(`INSERT INTO run_events (run_id, team_id, seq, type, data) VALUES ($1, $2, 1, 'run.queued', '{}')`, [id, teamId]);
      await c.query(`UPDATE idempotency_records SET state = 'completed', response_status = 202, response_body = $2 WHERE id = $1`, [
        idem.rows[0].id,
        JSON.stringify({ run_id: id }),
      ]);
      await c.query('SELECT pg_advisory_xact_lock(7270200, hashtext($1))', [teamId]);
      const prev = await c.query('SELECT hash FROM audit_events WHERE team_id = $1 ORDER BY seq DESC LIMIT 1', [teamId]);
      const h = createHash('sha256')
        .update(`${prev.rows[0]?.hash ?? ''}${id}${randomBytes(8).toString('hex')}`)
        .digest('hex');
      await c.query(
        `INSERT INTO audit_events (team_id, actor_type, action, target_type, target_id, outcome, status, details, prev_hash, hash)
         VALUES ($1, 'api_key', 'run.create', 'run', $2, 'success', 202, '{}', $3, $4)`,
        [teamId, id, prev.rows[0]?.hash ?? '', h],
      );
    });
    reply.code(202);
    return { run_id: id, status: 'queued' };
  });
  app.get('/v1/runs/:id', async (req) => {
    const { rows } = await inTeam(pool, teamId, (c) => c.query('SELECT * FROM runs WHERE id = $1 AND team_id = $2', [req.params.id, teamId]));
    return rows[0];
  });
  // The read as Mantis sends it: BEGIN, the scope, the SELECT and COMMIT pipelined on one
  // connection of a pool with `pipeline: true` (like Mantis's), one round trip.
  app.get('/v1/runs/:id/pipelined', async (req) => {
    const c = await pipelinedPool.connect();
    try {
      const [, , { rows }] = await Promise.all([
        c.query('BEGIN'),
        c.query(SCOPE, [teamId]),
        c.query('SELECT * FROM runs WHERE id = $1 AND team_id = $2::uuid', [req.params.id, teamId]),
        c.query('COMMIT'),
      ]);
      return rows[0];
    } finally {
      c.release();
    }
  });
  return app;
}

/**
 * Counts the statements every pg client of this process sends (Prisma's
 * driver adapter and the bare baseline both go through pg.Client#query) and
 * times the admission lock: from the statement that takes it to the end of
 * its transaction's COMMIT or ROLLBACK on the same connection.
 */
const probe = { on: false, statements: 0, begins: 0, held: [] };
// Only statements made for an HTTP request count, not those of the app's own timers (usage flushes).
const inRequest = new AsyncLocalStorage();
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  return event === 'request' && probe.on ? inRequest.run(true, () => emit.call(this, event, ...args)) : emit.call(this, event, ...args);
};
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  if (!probe.on || !inRequest.getStore()) return query.call(this, config, ...rest);
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  probe.statements++;
  if (/^\s*BEGIN/i.test(text)) probe.begins++;
  if (text.includes('pg_advisory_xact_lock(hashtextextended(')) this.lockedAt ??= performance.now();
  const out = query.call(this, config, ...rest);
  if (this.lockedAt !== undefined && /^\s*(COMMIT|ROLLBACK)/i.test(text) && out?.then) {
    const at = this.lockedAt;
    this.lockedAt = undefined;
    out.then(
      () => probe.held.push(performance.now() - at),
      () => undefined,
    );
  }
  return out;
};

let mantis;
let bare;
let pool;
let pipelinedPool;
let cleaner;
try {
  await migrate(databaseUrl);
  const db = new pg.Client({ connectionString: databaseUrl });
  db.on('error', () => undefined); // the scratch database is dropped under it at the end
  await db.connect();
  const team = (await db.query(`INSERT INTO teams (slug, name, rate_limit_per_minute, max_concurrent_runs) VALUES ('bench', 'bench', 0, 1000000) RETURNING id`))
    .rows[0];
  const bareTeam = (
    await db.query(`INSERT INTO teams (slug, name, rate_limit_per_minute, max_concurrent_runs) VALUES ('bare', 'bare', 0, 1000000) RETURNING id`)
  ).rows[0];
  const user = (await db.query(`INSERT INTO users (email, name) VALUES ('bench@example.com', 'bench') RETURNING id`)).rows[0];
  await db.query(`INSERT INTO memberships (user_id, team_id, role) VALUES ($1, $2, 'operator')`, [user.id, team.id]);
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'bench', $2, $3)`, [user.id, key.hash, key.prefix]);

  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    MANTIS_MASTER_KEY: randomBytes(32).toString('base64'),
    MANTIS_LOG_LEVEL: 'warn',
    MANTIS_DATA_DIR: `/tmp/${dbName}`,
    MANTIS_CONFIG: undefined,
  });
  mantis = await createHttpApp({ config, logger: createLogger('warn'), databaseUrl, roles: ['api'] });
  await mantis.listen(0, '127.0.0.1');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  pool.on('error', () => undefined);
  pipelinedPool = new pg.Pool({ connectionString: databaseUrl, max: 20, pipeline: true });
  pipelinedPool.on('error', () => undefined);
  bare = bareApp(pool, bareTeam.id);
  await bare.listen({ port: 0, host: '127.0.0.1' });
  // Nobody executes the runs: finish them as they pile up, so both sides count a small active set.
  let cleaning = false;
  cleaner = setInterval(() => {
    if (cleaning) return;
    cleaning = true;
    db.query(
      `UPDATE runs SET status = 'succeeded', finished_at = now(), reserved_usd = 0 WHERE status = 'queued' AND created_at < now() - interval '200 milliseconds'`,
    )
      .catch(() => undefined)
      .finally(() => (cleaning = false));
  }, 250);

  const mantisUrl = `http://127.0.0.1:${mantis.getHttpServer().address().port}`;
  const bareUrl = `http://127.0.0.1:${bare.server.address().port}`;
  const auth = { 'x-mantis-token': key.raw, 'content-type': 'application/json' };
  const body = JSON.stringify({ plan: PLAN, detached: true });
  const first = await fetch(`${mantisUrl}/v1/predict`, { method: 'POST', headers: { ...auth, 'idempotency-key': 'warm' }, body });
  if (first.status !== 202) throw new Error(`POST /v1/predict answered ${first.status}: ${await first.text()}`);
  const runId = (await first.json()).run_id;
  const bareFirst = await fetch(`${bareUrl}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'warm' }, body });
  const bareRunId = (await bareFirst.json()).run_id;

  const withKey = (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomBytes(12).toString('hex') } });
  const targets = {
    submit_bare: { url: `${bareUrl}/v1/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, setupRequest: withKey },
    submit_mantis: { url: `${mantisUrl}/v1/predict`, method: 'POST', headers: auth, body, setupRequest: withKey },
    read_bare: { url: `${bareUrl}/v1/runs/${bareRunId}` },
    read_bare_pipelined: { url: `${bareUrl}/v1/runs/${bareRunId}/pipelined` },
    read_mantis: { url: `${mantisUrl}/v1/runs/${runId}`, headers: { 'x-mantis-token': key.raw } },
  };
  // A fixed `amount` of requests instead of a duration when the target names one.
  const run = (t, duration, connections = CONNECTIONS) =>
    autocannon({
      url: t.url,
      connections,
      ...(t.amount ? { amount: t.amount } : { duration }),
      requests: [{ method: t.method ?? 'GET', headers: t.headers, body: t.body, ...(t.setupRequest && { setupRequest: t.setupRequest }) }],
    });
  for (const t of Object.values(targets)) await run(t, 2); // warm-up (JIT, key cache, pools)

  const results = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await run(t, DURATION);
      if (r.non2xx > 0 || r.errors > 0) console.error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests.total}`);
      results[name].push({ rps: r.requests.average, p99: r.latency.p99 });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

  // Statements and transactions per request, one request at a time.
  const STATEMENT_REQUESTS = 100;
  const statements = {};
  for (const [name, t] of Object.entries(targets)) {
    Object.assign(probe, { on: true, statements: 0, begins: 0 });
    await run({ ...t, amount: STATEMENT_REQUESTS }, undefined, 1);
    probe.on = false;
    statements[name] = { statements: probe.statements / STATEMENT_REQUESTS, transactions: probe.begins / STATEMENT_REQUESTS };
  }
  // The admission lock's hold under -c 50, and CPU per request (no probe: its own cost stays out).
  const lockHeld = {};
  for (const name of ['submit_bare', 'submit_mantis']) {
    Object.assign(probe, { on: true, held: [] });
    await run({ ...targets[name], amount: CPU_REQUESTS });
    probe.on = false;
    lockHeld[name] = { p50_ms: Number(pct(probe.held, 0.5).toFixed(2)), p99_ms: Number(pct(probe.held, 0.99).toFixed(2)), n: probe.held.length };
  }
  const cpu = {};
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const before = process.cpuUsage();
      const r = await run({ ...t, amount: CPU_REQUESTS });
      const used = process.cpuUsage(before);
      if (r.non2xx > 0 || r.errors > 0) console.error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests.total}`);
      (cpu[name] ??= []).push((used.user + used.system) / CPU_REQUESTS);
    }
  }
  const cpuUs = Object.fromEntries(Object.entries(cpu).map(([name, xs]) => [name, Number(median(xs).toFixed(1))]));
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [
      name,
      { rps: Math.round(median(rs.map((r) => r.rps))), p99_ms: median(rs.map((r) => r.p99)), rounds: rs.map((r) => Math.round(r.rps)) },
    ]),
  );
  const ratio = (a, b) => Number((summary[a].rps / summary[b].rps).toFixed(3));
  console.log(
    JSON.stringify(
      {
        connections: CONNECTIONS,
        duration_s: DURATION,
        // Figures taken on a loaded machine measure the machine: read them as "not measured" when this is 4 or more.
        load_average_at_end: Number(os.loadavg()[0].toFixed(1)),
        ...summary,
        statements_per_request: statements,
        admission_lock_held: lockHeld,
        cpu_us_per_request: cpuUs,
        ratios: [
          { name: 'predict submit vs bare', ratio: ratio('submit_mantis', 'submit_bare'), goal: 0.6 },
          { name: 'run read vs bare', ratio: ratio('read_mantis', 'read_bare'), goal: 0.7 },
          { name: 'run read vs bare, pipelined like Mantis', ratio: ratio('read_mantis', 'read_bare_pipelined'), goal: 0.7 },
        ],
      },
      null,
      2,
    ),
  );
  clearInterval(cleaner);
  await db.end();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  clearInterval(cleaner);
  await mantis?.close();
  await bare?.close();
  await pool?.end();
  await pipelinedPool?.end();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}
