import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';
import { bootMedium, type MediumApp } from '../support/medium.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

/** A site whose pages count their hits (`/hit/<id>`) or answer slowly (`/slow?ms=`). */
async function startCountingSite(): Promise<{ url: string; hits: Map<string, number>; close: () => Promise<void> }> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname.startsWith('/hit/')) hits.set(u.pathname, (hits.get(u.pathname) ?? 0) + 1);
    const delay = u.pathname === '/slow' ? Number(u.searchParams.get('ms') ?? 10_000) : 0;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>t</title><p id="p">${u.pathname}</p>`);
    }, delay);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const TERMINAL = ['succeeded', 'failed', 'cancelled', 'timed_out'];

describe('three API replicas and two workers on one PostgreSQL and Redis', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let medium: MediumApp;
  let prisma: MediumApp['prisma'];
  let site: Awaited<ReturnType<typeof startCountingSite>>;
  let receiver: WebhookReceiver;
  let env: Record<string, string>;
  const apis: ServerProcess[] = [];
  let workers: ServerProcess[] = [];

  const startWorkers = async (n: number) => {
    for (let i = 0; i < n; i++) workers.push(await startServer(['worker'], env, 120_000));
  };

  beforeAll(async () => {
    db = await createTestDatabase('cluster');
    site = await startCountingSite();
    receiver = await WebhookReceiver.start();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      MANTIS_AUTO_MIGRATE: 'false',
      MANTIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'mantis-cluster-')),
      MANTIS_MASTER_KEY: randomBytes(32).toString('base64'),
      MANTIS_LEASE_SECONDS: '3',
      MANTIS_WORKER_POLL_MS: '100',
      MANTIS_WORKER_CONCURRENCY: '2',
      MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true',
      // The test site is on 127.0.0.1: the browser egress policy lets runs reach it.
      MANTIS_BROWSER_PRIVATE_RANGES: '127.0.0.1/32',
      MANTIS_WEBHOOK_RETRY_SCHEDULE: '0,2,2,2,2',
      MANTIS_RECORD_VIDEO: 'false',
      MANTIS_LOG_LEVEL: 'info',
    };
    // The factories create teams, users and keys through the app's services: a context without HTTP or worker loops.
    medium = await bootMedium({ databaseUrl: db.url, env: { MANTIS_MASTER_KEY: env.MANTIS_MASTER_KEY, MANTIS_DATA_DIR: env.MANTIS_DATA_DIR } });
    prisma = medium.prisma;
    for (let i = 0; i < 3; i++) apis.push(await startServer(['serve'], env, 120_000));
    await startWorkers(2);
  });

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => p.stop('SIGKILL')));
    await site?.close();
    await receiver?.close();
    await medium?.close();
    await db?.drop();
  });

  type Reply = { status: number; headers: Headers; json: () => Promise<any> };
  const call = async (i: number, method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await fetch(`${apis[i % apis.length].url}${path}`, {
      method,
      headers: { 'x-mantis-token': key, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: async () => JSON.parse(text) };
  };

  async function member(slug: string, team: Partial<Parameters<typeof createTeam>[1]> = {}): Promise<{ team: TeamFixture; user: UserFixture }> {
    const t = await createTeam(prisma, { slug: `${slug}-${randomBytes(3).toString('hex')}`, ...team });
    return { team: t, user: await createUser(prisma, { team: t, role: 'operator' }) };
  }

  const runPlan = (url: string, extra: Record<string, unknown> = {}) => ({ action: 'run', detached: true, plan: { steps: [{ navigate: url }] }, ...extra });

  it("holds a team's rate limit across replicas", async () => {
    const { user } = await member('rl', { rateLimitPerMinute: 12 });
    const res = await Promise.all(Array.from({ length: 36 }, (_, i) => call(i, 'GET', '/v1/runs', user.key)));
    const admitted = res.filter((r) => r.status === 200).length;
    const limited = res.filter((r) => r.status === 429);
    // 12 in the bucket, at most one more refilled during the burst; per-process buckets would admit 36.
    expect(admitted).toBeGreaterThanOrEqual(12);
    expect(admitted).toBeLessThanOrEqual(13);
    expect(limited.length).toBe(36 - admitted);
    for (const r of limited) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await r.json()).error.code).toBe('rate_limited');
    }
  });

  it('holds max_concurrent_runs across replicas under parallel submits', async () => {
    const { team, user } = await member('cc', { maxConcurrentRuns: 3 });
    const res = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i, 'POST', '/v1/predict', user.key, runPlan(`${site.url}/slow?ms=20000`))));
    const accepted = res.filter((r) => r.status === 202);
    const refused = res.filter((r) => r.status === 429);
    expect(accepted.length + refused.length).toBe(12);
    for (const r of refused) expect((await r.json()).error.code).toBe('concurrency_limit');
    const runs = await prisma.run.findMany({ where: { teamId: team.id }, select: { id: true, status: true, error: true } });
    expect(runs).toHaveLength(accepted.length);
    // The limit is on active runs: a run that has ended (on a loaded machine a browser can fail at once)
    // frees its slot for a later submit. Each acceptance past three needs such a run; at most three are active.
    const ended = runs.filter((r) => !['queued', 'running'].includes(r.status));
    expect(accepted.length, `accepted past the limit; ended runs: ${JSON.stringify(ended)}`).toBeGreaterThanOrEqual(3);
    expect(accepted.length - 3, `accepted past the limit; ended runs: ${JSON.stringify(ended)}`).toBeLessThanOrEqual(ended.length);
    expect(runs.length - ended.length).toBeLessThanOrEqual(3);
    for (const r of runs.filter((x) => !ended.includes(x))) {
      expect((await call(0, 'POST', `/v1/runs/${r.id}/cancel`, user.key)).status).toBe(202);
    }
  });

  it('turns one Idempotency-Key used on every replica at once into one run', async () => {
    const { team, user } = await member('idem');
    const key = `idem-${randomBytes(6).toString('hex')}`;
    const body = runPlan(`${site.url}/hit/idem-${key}`);
    const res = await Promise.all(Array.from({ length: 9 }, (_, i) => call(i, 'POST', '/v1/predict', user.key, body, { 'idempotency-key': key })));
    expect(res.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    const ids = new Set<string>();
    for (const r of res) {
      const json = await r.json();
      if (r.status === 202) ids.add(json.run_id);
      else expect(json.error.code).toBe('idempotency_in_flight');
    }
    expect(ids.size).toBe(1);
    expect(await prisma.run.count({ where: { teamId: team.id } })).toBe(1);
  });

  it('refuses a key revoked through one replica on every replica from the revoking response on', async () => {
    const { team } = await member('rv');
    const admin = await createUser(prisma, { admin: true });
    const victim = await createUser(prisma, { team, role: 'viewer', keyName: 'doomed' });
    for (let i = 0; i < 3; i++) expect((await call(i, 'GET', '/api/v1/me', victim.key)).status).toBe(200);
    const revoke = await call(0, 'DELETE', `/api/v1/users/${encodeURIComponent(victim.email)}/api-keys/doomed`, admin.key);
    expect(revoke.status).toBeLessThan(300);
    // Right after the revoking response, on the first try: a replica whose change notice is still on its way
    // sees the database past what its key cache reflects (the auth epoch) and looks the key up again.
    for (const i of [1, 2]) {
      const r = await call(i, 'GET', '/api/v1/me', victim.key);
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe('invalid_token');
    }
  });

  it('executes each queued run exactly once', async () => {
    const { team, user } = await member('once', { maxConcurrentRuns: 50 });
    const tag = randomBytes(4).toString('hex');
    const res = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i, 'POST', '/v1/predict', user.key, runPlan(`${site.url}/hit/${tag}-${i}`))));
    expect(res.every((r) => r.status === 202)).toBe(true);
    await eventually(async () => (await prisma.run.count({ where: { teamId: team.id, status: { in: TERMINAL } } })) === 12, 90_000, 'all runs terminal');
    const runs = await prisma.run.findMany({ where: { teamId: team.id } });
    expect(runs.map((r) => r.status)).toEqual(Array(12).fill('succeeded'));
    for (let i = 0; i < 12; i++) expect(site.hits.get(`/hit/${tag}-${i}`)).toBe(1);
  });

  it('recovers the run of a worker killed mid-run after its lease, never leaving it running', async () => {
    const { team, user } = await member('kill');
    const res = await call(0, 'POST', '/v1/predict', user.key, runPlan(`${site.url}/slow?ms=6000`));
    expect(res.status).toBe(202);
    const { run_id } = await res.json();
    const owner = await eventually(
      async () => (await prisma.run.findFirst({ where: { id: run_id, teamId: team.id, status: 'running' } }))?.leaseOwner ?? undefined,
      30_000,
      'run claimed',
    );
    const victim = workers.find((w) => owner.includes(`:${w.child.pid}:`));
    expect(victim).toBeDefined();
    await victim!.stop('SIGKILL');
    workers = workers.filter((w) => w !== victim);
    const final = await eventually(
      async () => {
        const r = await prisma.run.findUnique({ where: { id: run_id } });
        return r && TERMINAL.includes(r.status) ? r : undefined;
      },
      60_000,
      'run recovered',
    );
    if (final.status === 'failed') expect((final.error as { code: string }).code).toBe('worker_lost');
    else expect(final.status).toBe('succeeded');
    expect(final.leaseOwner === owner && final.status === 'running').toBe(false);
    await startWorkers(1);
  });

  it('delivers pending webhooks once after every worker is killed and new ones start', async () => {
    const { team, user } = await member('wh');
    receiver.answer(({ count }) => ({ status: count === 0 ? 503 : 200 }));
    const paths = [0, 1, 2].map((i) => `/wh-${team.slug}-${i}`);
    for (const [i, p] of paths.entries()) {
      const r = await call(i, 'POST', '/v1/predict', user.key, runPlan(`${site.url}/hit/wh-${team.slug}-${i}`, { callback_url: receiver.url(p) }));
      expect(r.status).toBe(202);
    }
    await eventually(() => paths.every((p) => receiver.to(p).length >= 1), 60_000, 'first attempts');
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    workers = [];
    const pending = await prisma.webhookDelivery.count({ where: { teamId: team.id, status: { not: 'succeeded' } } });
    expect(pending).toBeGreaterThan(0);
    await startWorkers(2);
    await eventually(() => paths.every((p) => receiver.to(p).some((r) => r.status === 200)), 60_000, 'redelivery');
    // Nothing further is sent once they have succeeded: a worker stopping waits for its attempts in flight, so after both stop the receiver has seen all there is.
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    workers = [];
    for (const p of paths) {
      const got = receiver.to(p);
      expect(got.filter((r) => r.status === 200)).toHaveLength(1);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    }
    expect(await prisma.webhookDelivery.count({ where: { teamId: team.id, status: 'succeeded' } })).toBe(3);
  });
});
