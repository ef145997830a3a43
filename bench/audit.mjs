// Audit log queries and export with 1,000,000 events in one team.
//
//   npm run build && node bench/audit.mjs
//
// Fills a scratch database with a valid hash chain of BENCH_AUDIT_EVENTS
// (default 1,000,000) events in one team (10 actions, 20 actors, 30 days),
// then through the real HTTP API: p50/p95 of filtered pages of 100 (by action,
// by actor, by time range; each request at a random depth via `until`; fetched
// one at a time by a client on its own thread, bench/_page-client.mjs), the
// NDJSON export throughput in events/s, and the chain verification rate.
// Goals (issue 15): p95 of a filtered page ≤ 5 ms, export ≥ 150,000 events/s,
// verify ≥ 200,000 events/s (0 when the chain does not verify).
// BENCH_PROFILE=<dir> writes a CPU profile of each filter's measured page requests.
//
// Needs PostgreSQL: BENCH_DATABASE_URL (default
// postgresql://postgres@127.0.0.1:5432/postgres); the scratch database is dropped.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { profiler } from './_profile.mjs';

const dist = resolve(process.env.MANTIS_DIST ?? 'dist');
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { createHttpApp } = await load('app.factory.js');
const { loadConfig } = await load('config/app-config.js');
const { createLogger } = await load('platform/http/logger.js');
const { migrate } = await load('platform/database/migrator.js');
const { generateApiKey } = await load('platform/auth/api-key-format.js');
const { chainHash, GENESIS_HASH } = await load('modules/audit/audit-chain.js');

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
// 1,000 page requests per filter: with 200, one run's p95 moved by a millisecond from the next run's.
const SAMPLES = Number(process.env.BENCH_AUDIT_SAMPLES ?? 1000);
const BATCH = 10_000;
const DAYS = 30;
const ACTIONS = [
  'run.create',
  'run.cancel',
  'workflow.apply',
  'secret.update',
  'api_key.create',
  'api_key.revoke',
  'role.assign',
  'hook.apply',
  'auth.denied',
  'member.add',
];
// Skewed like real traffic: most events are run.create.
const ACTION_WEIGHTS = [55, 10, 5, 5, 5, 4, 4, 4, 4, 4];

const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const dbName = `mantis_bench_audit_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
const databaseUrl = dbUrl.toString();

function pickAction(r) {
  let acc = 0;
  for (let i = 0; i < ACTIONS.length; i++) {
    acc += ACTION_WEIGHTS[i];
    if (r < acc) return ACTIONS[i];
  }
  return ACTIONS[0];
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

let app;
let client;
const db = new pg.Client({ connectionString: databaseUrl });
try {
  await migrate(databaseUrl);
  await db.connect();
  const team = (await db.query(`INSERT INTO teams (slug, name, rate_limit_per_minute) VALUES ('bench', 'bench', 0) RETURNING id`)).rows[0];
  const actors = [];
  for (let i = 0; i < 20; i++) {
    const u = (await db.query(`INSERT INTO users (email, name) VALUES ($1, $1) RETURNING id, email`, [`actor${i}@bench.test`])).rows[0];
    await db.query(`INSERT INTO memberships (user_id, team_id, role) VALUES ($1, $2, 'operator')`, [u.id, team.id]);
    actors.push(u);
  }
  const auditor = (await db.query(`INSERT INTO users (email, name) VALUES ('auditor@bench.test', 'auditor') RETURNING id`)).rows[0];
  await db.query(`INSERT INTO memberships (user_id, team_id, role) VALUES ($1, $2, 'auditor')`, [auditor.id, team.id]);
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'bench', $2, $3)`, [auditor.id, key.hash, key.prefix]);

  // A valid chain, written in batches with unnest (the trigger only refuses UPDATE and DELETE).
  const t0 = performance.now();
  const start = Date.now() - DAYS * 86_400_000;
  const step = (DAYS * 86_400_000) / EVENTS;
  let prev = GENESIS_HASH;
  const cols = [
    'id',
    'ts',
    'team_id',
    'team_slug',
    'actor_type',
    'actor_id',
    'actor_email',
    'actor_prefix',
    'auth_method',
    'action',
    'target_type',
    'target_id',
    'outcome',
    'status',
    'ip',
    'user_agent',
    'request_id',
    'details',
    'prev_hash',
    'hash',
  ];
  const types = [
    'uuid',
    'timestamptz',
    'uuid',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'int4',
    'text',
    'text',
    'text',
    'jsonb',
    'text',
    'text',
  ];
  for (let done = 0; done < EVENTS; done += BATCH) {
    const arrays = cols.map(() => []);
    for (let i = done; i < Math.min(EVENTS, done + BATCH); i++) {
      const actor = actors[i % actors.length];
      const action = pickAction((i * 7919) % 100);
      const e = {
        id: randomUUID(),
        ts: new Date(start + Math.floor(i * step)),
        teamId: team.id,
        teamSlug: 'bench',
        actorType: 'api_key',
        actorId: actor.id,
        actorEmail: actor.email,
        actorPrefix: 'mk_abcdef',
        authMethod: 'api_key',
        action,
        targetType: action.split('.')[0],
        targetId: `t${i}`,
        outcome: i % 50 === 0 ? 'denied' : 'success',
        status: i % 50 === 0 ? 403 : 201,
        ip: '10.0.0.1',
        userAgent: 'bench/1',
        requestId: `req_${i}`,
        details: { method: 'POST', route: '/v1/predict' },
      };
      const hash = chainHash(prev, e);
      const row = [
        e.id,
        e.ts,
        e.teamId,
        e.teamSlug,
        e.actorType,
        e.actorId,
        e.actorEmail,
        e.actorPrefix,
        e.authMethod,
        e.action,
        e.targetType,
        e.targetId,
        e.outcome,
        e.status,
        e.ip,
        e.userAgent,
        e.requestId,
        JSON.stringify(e.details),
        prev,
        hash,
      ];
      row.forEach((v, c) => arrays[c].push(v));
      prev = hash;
    }
    await db.query(`INSERT INTO audit_events (${cols.join(', ')}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`, arrays);
    if ((done / BATCH) % 10 === 0) process.stderr.write(`  ${done + BATCH} events\n`);
  }
  const fillSeconds = (performance.now() - t0) / 1000;
  // As a table that has lived a while would be, not one just bulk-loaded: vacuumed (hint bits and the
  // visibility map set, so reads do not write them; no autovacuum starting mid-measurement), analyzed,
  // and checkpointed (the load's dirty pages written before the clock starts).
  await db.query('VACUUM (ANALYZE) audit_events');
  await db.query('CHECKPOINT');

  const config = loadConfig({
    MANTIS_LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    MANTIS_MASTER_KEY: randomBytes(32).toString('base64'),
    MANTIS_DATA_DIR: `/tmp/${dbName}`,
  });
  app = await createHttpApp({ config, logger: createLogger('warn'), databaseUrl, roles: ['api'] });
  await app.listen(0, '127.0.0.1');
  // Each request's time inside the server (from its arrival to its last byte written), apart from this client's own.
  let serverMs = [];
  app.getHttpServer().prependListener('request', (req, res) => {
    const s = performance.now();
    res.on('finish', () => serverMs.push(performance.now() - s));
  });
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}/api/v1/teams/bench/audit-events`;
  const headers = { 'x-mantis-token': key.raw };
  // Pages are fetched by a client on a thread of its own (bench/_page-client.mjs).
  client = new Worker(new URL('./_page-client.mjs', import.meta.url));
  const fetchPages = (urls) =>
    new Promise((resolvePages, reject) => {
      client.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolvePages(m.out)));
      client.postMessage({ urls, headers });
    });
  const randomUntil = () => new Date(start + Math.random() * DAYS * 86_400_000).toISOString();
  const filters = {
    'by action (api_key.revoke)': () => `${base}?limit=100&action=api_key.revoke&until=${encodeURIComponent(randomUntil())}`,
    'by actor (email)': () =>
      `${base}?limit=100&actor=${encodeURIComponent(actors[Math.floor(Math.random() * actors.length)].email)}&until=${encodeURIComponent(randomUntil())}`,
    'by time range (1 hour)': () => {
      const until = new Date(randomUntil());
      return `${base}?limit=100&since=${encodeURIComponent(new Date(until.getTime() - 3_600_000).toISOString())}&until=${encodeURIComponent(until.toISOString())}`;
    },
  };
  const pages = {};
  // BENCH_PROFILE=<dir>: a CPU profile of each filter's measured requests (`<dir>/pages-<n>.cpuprofile`).
  const profiles = await profiler();
  for (const [name, url] of Object.entries(filters)) {
    await fetchPages(Array.from({ length: 20 }, url)); // warm-up
    const urls = Array.from({ length: SAMPLES }, url);
    serverMs = [];
    const c0 = process.cpuUsage();
    const replies = await profiles.section(`pages-${Object.keys(pages).length}`, () => fetchPages(urls));
    const c = process.cpuUsage(c0);
    const ms = replies.map((r) => r.ms);
    const rows = replies.reduce((sum, r) => sum + r.n, 0);
    pages[name] = {
      p50_ms: +pct(ms, 50).toFixed(2),
      p95_ms: +pct(ms, 95).toFixed(2),
      server_p50_ms: +pct(serverMs, 50).toFixed(2),
      server_p95_ms: +pct(serverMs, 95).toFixed(2),
      mean_rows: Math.round(rows / SAMPLES),
      cpu_us_per_request: Math.round((c.user + c.system) / SAMPLES),
    };
    process.stderr.write(
      `  ${name}: p50 ${pages[name].p50_ms} ms, p95 ${pages[name].p95_ms} ms (in the server: p50 ${pages[name].server_p50_ms} ms, p95 ${pages[name].server_p95_ms} ms)\n`,
    );
  }

  // CPU time of this process (the API and this client) per event: far steadier under load than events/s.
  const cpuUs = (since) => {
    const c = process.cpuUsage(since);
    return c.user + c.system;
  };
  const e0 = performance.now();
  const ec = process.cpuUsage();
  const res = await fetch(`${base}/export?format=ndjson`, { headers });
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    // Newlines counted on the bytes: UTF-8 never has 0x0a inside a character.
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  const exportSeconds = (performance.now() - e0) / 1000;
  const exportCpu = cpuUs(ec);
  const v0 = performance.now();
  const vc = process.cpuUsage();
  const verify = await (await fetch(`${base}/verify`, { headers })).json();
  const verifySeconds = (performance.now() - v0) / 1000;
  const verifyCpu = cpuUs(vc);

  const result = {
    events: EVENTS,
    fill_seconds: +fillSeconds.toFixed(1),
    pages,
    export: {
      events: lines,
      mb: +(bytes / 1e6).toFixed(1),
      seconds: +exportSeconds.toFixed(1),
      events_per_s: Math.round(lines / exportSeconds),
      cpu_us_per_event: +(exportCpu / lines).toFixed(2),
    },
    verify: {
      ok: verify.ok,
      checked: verify.checked,
      seconds: +verifySeconds.toFixed(1),
      events_per_s: Math.round(verify.checked / verifySeconds),
      cpu_us_per_event: +(verifyCpu / verify.checked).toFixed(2),
    },
    // Goals (issue 15): a filtered page's p95 <= 5 ms; export >= 150,000 and verify >= 200,000 events/s.
    ratios: [
      ...Object.entries(pages).map(([name, p]) => ({ name: `audit p95 ms ${name}`, ratio: p.p95_ms, goal: 5, higher_is_better: false })),
      { name: 'audit export NDJSON events/s', ratio: Math.round(lines / exportSeconds), goal: 150_000 },
      { name: 'audit verify events/s', ratio: verify.ok ? Math.round(verify.checked / verifySeconds) : 0, goal: 200_000 },
    ],
  };
  console.log(JSON.stringify(result));
} finally {
  await client?.terminate();
  await app?.close();
  await db.end().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}
