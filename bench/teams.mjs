// Many teams at once: POST /v1/predict (detached) from 50 teams in parallel,
// against the same load from one team, and GET /v1/runs listing pages; each
// beside a bare Fastify + `pg` app in the same process running the same SQL
// in the same transactions (each opened with the row-level security
// `set_config` of the team). autocannon -c 50 -d 10, median of 3 rounds.
//
//   npm run build && node bench/teams.mjs
//
// The per-team advisory lock serializes one team's submits by design (its
// concurrency cap and budget are exact across replicas); 50 teams must not
// wait on each other, so their throughput is at least one team's.
//
// Needs a PostgreSQL server: BENCH_DATABASE_URL (default
// postgresql://postgres@127.0.0.1:5432/postgres); a scratch database is
// created and dropped. MANTIS_DIST points at another build (default ./dist).
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
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
const TEAMS = Number(process.env.BENCH_TEAMS ?? 50);
const PAGE = 20;
const PLAN = { steps: [{ navigate: 'https://example.com/' }, { extract: { name: 'title', selector: 'h1' } }] };

const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const dbName = `mantis_bench_teams_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
const databaseUrl = dbUrl.toString();

/** As in bench/predict.mjs: every transaction opens with the statement that switches to mantis_app and sets the team. */
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

/** The columns a page of GET /v1/runs shows (the runs repository's listing). */
const LIST_COLUMNS = `id, status, source, workflow_name, state_key, max_cost, max_time_minutes, max_steps, max_loop_iterations,
  cost_usd, steps_completed, error, created_at, started_at, finished_at`;

/** The bare baseline: the team comes from `x-team` (no auth); the statements of bench/predict.mjs's submit, and the listing's one SELECT. */
function bareApp(pool) {
  const app = Fastify({ logger: false });
  app.post('/v1/predict', async (req, reply) => {
    const teamId = req.headers['x-team'];
    const key = req.headers['idempotency-key'];
    const hash = createHash('sha256').update(JSON.stringify(req.body)).digest('hex');
    const idem = await inTeam(pool, teamId, (c) =>
      c.query(
        `INSERT INTO idempotency_records (team_id, key, request_hash, state, locked_until, expires_at)
         VALUES ($1, $2, $3, 'in_flight', now() + interval '60 seconds', now() + interval '24 hours') ON CONFLICT DO NOTHING RETURNING id`,
        [teamId, key, hash],
      ),
    );
    const id = `run_${randomBytes(16).toString('hex')}`;
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
  app.get('/v1/runs', async (req) => {
    const teamId = req.headers['x-team'];
    const { rows } = await inTeam(pool, teamId, (c) =>
      c.query('SELECT * FROM runs WHERE team_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [teamId, PAGE + 1]),
    );
    return { data: rows.slice(0, PAGE), next_cursor: rows.length > PAGE ? rows[PAGE - 1].id : null };
  });
  // The listing as Mantis sends it: the page's columns only, and BEGIN, the scope, the SELECT and
  // COMMIT pipelined on one connection (a pool with `pipeline: true`, like Mantis's), one round trip.
  app.get('/v1/runs/pipelined', async (req) => {
    const teamId = req.headers['x-team'];
    const c = await pipelinedPool.connect();
    try {
      const [, , { rows }] = await Promise.all([
        c.query('BEGIN'),
        c.query(SCOPE, [teamId]),
        c.query(`SELECT ${LIST_COLUMNS} FROM runs WHERE team_id = $1::uuid ORDER BY created_at DESC, id DESC LIMIT $2::int`, [teamId, PAGE + 1]),
        c.query('COMMIT'),
      ]);
      return { data: rows.slice(0, PAGE), next_cursor: rows.length > PAGE ? rows[PAGE - 1].id : null };
    } finally {
      c.release();
    }
  });
  return app;
}

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
  const teams = [];
  const bareTeams = [];
  for (let i = 0; i < TEAMS; i++) {
    const insert = `INSERT INTO teams (slug, name, rate_limit_per_minute, max_concurrent_runs) VALUES ($1, $1, 0, 1000000) RETURNING id`;
    const team = (await db.query(insert, [`bench-${i}`])).rows[0];
    const user = (await db.query(`INSERT INTO users (email, name) VALUES ($1, 'bench') RETURNING id`, [`bench${i}@example.com`])).rows[0];
    await db.query(`INSERT INTO memberships (user_id, team_id, role) VALUES ($1, $2, 'operator')`, [user.id, team.id]);
    const key = generateApiKey();
    await db.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'bench', $2, $3)`, [user.id, key.hash, key.prefix]);
    teams.push({ id: team.id, key: key.raw });
    bareTeams.push((await db.query(insert, [`bare-${i}`])).rows[0].id);
  }

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
  pipelinedPool = new pg.Pool({ connectionString: databaseUrl, max: 20, pipeline: true });
  pipelinedPool.on('error', () => undefined); // idle connections ended by the DROP DATABASE at the end
  pool.on('error', () => undefined);
  bare = bareApp(pool);
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
  const body = JSON.stringify({ plan: PLAN, detached: true });
  // Each request takes the next team in turn (all teams, or only the first) and a fresh Idempotency-Key.
  const rotate = (n, headerOf) => {
    let i = 0;
    return (req) => ({ ...req, headers: { ...req.headers, ...headerOf(i++ % n), 'idempotency-key': randomBytes(12).toString('hex') } });
  };
  const mantisHeaders = (i) => ({ 'x-mantis-token': teams[i].key });
  const bareHeaders = (i) => ({ 'x-team': bareTeams[i] });
  const json = { 'content-type': 'application/json' };
  const targets = {
    submit_1_team_bare: { url: `${bareUrl}/v1/predict`, method: 'POST', headers: json, body, setupRequest: rotate(1, bareHeaders) },
    submit_1_team_mantis: { url: `${mantisUrl}/v1/predict`, method: 'POST', headers: json, body, setupRequest: rotate(1, mantisHeaders) },
    submit_50_teams_bare: { url: `${bareUrl}/v1/predict`, method: 'POST', headers: json, body, setupRequest: rotate(TEAMS, bareHeaders) },
    submit_50_teams_mantis: { url: `${mantisUrl}/v1/predict`, method: 'POST', headers: json, body, setupRequest: rotate(TEAMS, mantisHeaders) },
    list_bare: { url: `${bareUrl}/v1/runs`, headers: bareHeaders(0) },
    list_bare_pipelined: { url: `${bareUrl}/v1/runs/pipelined`, headers: bareHeaders(0) },
    list_mantis: { url: `${mantisUrl}/v1/runs?limit=${PAGE}`, headers: mantisHeaders(0) },
  };
  const check = await fetch(targets.list_mantis.url, { headers: targets.list_mantis.headers });
  if (check.status !== 200) throw new Error(`GET /v1/runs answered ${check.status}: ${await check.text()}`);
  const run = (t, duration) =>
    autocannon({
      url: t.url,
      connections: CONNECTIONS,
      duration,
      requests: [{ method: t.method ?? 'GET', headers: t.headers, body: t.body, ...(t.setupRequest && { setupRequest: t.setupRequest }) }],
    });
  for (const t of Object.values(targets)) await run(t, 2); // warm-up (JIT, key cache, pools); also leaves runs to list

  // Completed requests over the run's own duration in seconds (autocannon's per-second average reads 0 for short runs).
  const duration = (r) => r.duration;
  const results = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  const failures = {};
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await run(t, DURATION);
      if (r.non2xx > 0 || r.errors > 0) {
        failures[name] = (failures[name] ?? 0) + r.non2xx + r.errors;
        console.error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests.total}`);
      }
      results[name].push({ rps: r.requests.total / duration(r), p99: r.latency.p99 });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
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
        teams: TEAMS,
        page: PAGE,
        load_average_at_end: Number(os.loadavg()[0].toFixed(1)),
        failures,
        ...summary,
        ratios: [
          { name: `predict ${TEAMS} teams vs 1 team (Mantis)`, ratio: ratio('submit_50_teams_mantis', 'submit_1_team_mantis'), goal: 1 },
          { name: `predict ${TEAMS} teams vs bare`, ratio: ratio('submit_50_teams_mantis', 'submit_50_teams_bare'), goal: 0.6 },
          { name: 'predict 1 team vs bare', ratio: ratio('submit_1_team_mantis', 'submit_1_team_bare'), goal: 0.6 },
          { name: `runs list (page of ${PAGE}) vs bare`, ratio: ratio('list_mantis', 'list_bare'), goal: 0.7 },
          { name: `runs list (page of ${PAGE}) vs bare, pipelined like Mantis`, ratio: ratio('list_mantis', 'list_bare_pipelined'), goal: 0.7 },
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
