// GET /api/v1/me with a cached mk_ key (the whole auth pipeline: guards,
// team resolution, rate-limit guard, metrics, error filter) against a Nest +
// Fastify hello-world route served by the same process, autocannon -c 50 -d 10.
// Also measured: GET /healthz of the same Mantis app (public: every global
// hook and interceptor, no authentication), which separates the cost of
// authentication from the rest of the app's per-request work.
//
//   npm run build && node bench/auth-me.mjs
//
// Needs a PostgreSQL server: BENCH_DATABASE_URL (default
// postgresql://postgres@127.0.0.1:5432/postgres); a scratch database is
// created and dropped. MANTIS_DIST points at another build (default ./dist).
// BENCH_TARGET=hello|me|healthz measures one target alone; it prints no ratios.
// BENCH_PROFILE=<dir> writes a CPU profile of each target's fixed-count
// section (`<dir>/<target>.cpuprofile`, BENCH_CPU_REQUESTS requests in each,
// nothing else), so profiles of two targets compare per request.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { profiler } from './_profile.mjs';
import pg from 'pg';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

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
// The team's rate limit: a limit the run cannot reach, so every request takes a
// token from the bucket as a real team's would (0 turns the bucket off).
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 1_000_000_000);

const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const dbName = `mantis_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
const databaseUrl = dbUrl.toString();

class HelloController {
  hello() {
    return { hello: 'world' };
  }
}
Get('hello')(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
Controller()(HelloController);
class HelloModule {}
Module({ controllers: [HelloController] })(HelloModule);

let mantis;
let hello;
try {
  await migrate(databaseUrl);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const team = (await db.query(`INSERT INTO teams (slug, name, rate_limit_per_minute) VALUES ('bench', 'bench', $1) RETURNING id`, [RATE_LIMIT])).rows[0];
  const user = (await db.query(`INSERT INTO users (email, name) VALUES ('bench@example.com', 'bench') RETURNING id`)).rows[0];
  await db.query(`INSERT INTO memberships (user_id, team_id, role) VALUES ($1, $2, 'operator')`, [user.id, team.id]);
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'bench', $2, $3)`, [user.id, key.hash, key.prefix]);
  await db.end();

  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    MANTIS_MASTER_KEY: randomBytes(32).toString('base64'),
    MANTIS_LOG_LEVEL: 'warn',
    MANTIS_DATA_DIR: `/tmp/${dbName}`,
    MANTIS_CONFIG: undefined,
    // Unset: the token bucket is in this process; BENCH_REDIS_URL puts it in Redis, as with several replicas.
    REDIS_URL: process.env.BENCH_REDIS_URL,
  });
  mantis = await createHttpApp({ config, logger: createLogger('warn'), databaseUrl, roles: ['api'] });
  await mantis.listen(0, '127.0.0.1');
  hello = await NestFactory.create(HelloModule, new FastifyAdapter(), { logger: false });
  await hello.listen(0, '127.0.0.1');

  const port = (app) => app.getHttpServer().address().port;
  const targets = {
    hello: { url: `http://127.0.0.1:${port(hello)}/hello` },
    me: { url: `http://127.0.0.1:${port(mantis)}/api/v1/me`, headers: { 'x-mantis-token': key.raw } },
    healthz: { url: `http://127.0.0.1:${port(mantis)}/healthz` },
  };
  const check = await fetch(targets.me.url, { headers: targets.me.headers });
  if (check.status !== 200) throw new Error(`GET /api/v1/me answered ${check.status}`);
  const only = process.env.BENCH_TARGET;
  if (only) {
    if (!targets[only]) throw new Error(`BENCH_TARGET: one of ${Object.keys(targets).join(', ')}`);
    for (const name of Object.keys(targets)) if (name !== only) delete targets[name];
  }

  const run = (t, duration) => autocannon({ url: t.url, headers: t.headers, connections: CONNECTIONS, duration });
  for (const t of Object.values(targets)) await run(t, 2); // warm-up (JIT, key cache, pools)

  const results = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await run(t, DURATION);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      results[name].push({ rps: r.requests.average, p99: r.latency.p99 });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // CPU time per request over a fixed number of requests: server and client
  // share this process, so this counts both, like the req/s above, but it
  // barely moves with other work on the machine, unlike req/s.
  const CPU_REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 30000);
  const cpu = {};
  const profiles = await profiler();
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const before = process.cpuUsage();
      const fixed = () => autocannon({ url: t.url, headers: t.headers, connections: CONNECTIONS, amount: CPU_REQUESTS });
      const r = await (i === 0 ? profiles.section(name, fixed) : fixed());
      const used = process.cpuUsage(before);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
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
  const ratio = (a, b) => Number((a / b).toFixed(3));
  if (only) {
    console.log(JSON.stringify({ connections: CONNECTIONS, duration_s: DURATION, ...summary, cpu_us_per_request: cpuUs }, null, 2));
    process.exitCode = 0;
  } else
    console.log(
      JSON.stringify(
        {
          connections: CONNECTIONS,
          duration_s: DURATION,
          ...summary,
          // The goal of issue 3: /api/v1/me reaches 0.85 of the hello world's req/s.
          ratio: ratio(summary.me.rps, summary.hello.rps),
          goal: 0.85,
          ratio_me_to_public_route: ratio(summary.me.rps, summary.healthz.rps),
          cpu_us_per_request: cpuUs,
          // The same comparison by CPU time: hello world's µs per request over /api/v1/me's.
          cpu_ratio: ratio(cpuUs.hello, cpuUs.me),
        },
        null,
        2,
      ),
    );
} finally {
  await mantis?.close();
  await hello?.close();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}
