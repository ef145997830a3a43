import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKeyCache } from '../../src/modules/api-keys/api-key-cache.js';
import { ApiKeyLookup } from '../../src/modules/api-keys/api-key-lookup.service.js';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { AuthChangeListener, LISTENER_APPLICATION_NAME } from '../../src/modules/api-keys/auth-change.listener.js';
import { MetricsService } from '../../src/modules/metrics/metrics.service.js';
import { hashToken } from '../../src/platform/auth/api-key-format.js';
import { ApiError } from '../../src/platform/http/api-error.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type UserFixture } from '../support/factories.js';

const INVALID = { code: 'invalid_token', message: 'The token is invalid, expired or revoked' };

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('mk_ API keys', () => {
  let t: TestApp;
  let replica: TestApp;
  let keys: ApiKeysService;
  const rawKeys: string[] = [];
  beforeAll(async () => {
    t = await buildTestApp();
    replica = await buildTestApp({ databaseUrl: t.databaseUrl });
    keys = t.app.get(ApiKeysService);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await replica?.close();
    await t?.close();
  });

  const me = (token: string, app: TestApp = t, header: 'x' | 'bearer' = 'x') =>
    app.app.inject({ method: 'GET', url: '/api/v1/me', headers: header === 'x' ? { 'x-mantis-token': token } : { authorization: `Bearer ${token}` } });

  async function newUser(): Promise<UserFixture> {
    const team = await createTeam(t.prisma);
    const u = await createUser(t.prisma, { team, role: 'operator' });
    rawKeys.push(u.key);
    return u;
  }
  async function create(userId: string, body: unknown) {
    const k = await keys.create({ userId }, body);
    rawKeys.push(k.key);
    return k;
  }

  it('a created key is mk_ + 64 lowercase hex, shown once, and acts with its user and role, limited by its scopes', async () => {
    const user = await newUser();
    const created = await create(user.id, { name: 'ci', scopes: ['status', 'run'] });
    expect(created.key).toMatch(/^mk_[0-9a-f]{64}$/);
    expect(created.prefix).toBe(created.key.slice(0, 9));
    expect(created).toMatchObject({ name: 'ci', expires_at: null, scopes: ['run', 'status'] });

    const res = await me(created.key, t, 'bearer');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'user', email: user.email, scopes: ['run', 'status'], auth_method: 'api_key' });

    const listed = await keys.list(user.id);
    expect(listed.find((k) => k.name === 'ci')).toEqual({
      name: 'ci',
      prefix: created.prefix,
      created_at: expect.any(String),
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
      scopes: ['run', 'status'],
      source: 'api',
    });
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(9));
  });

  it('defaults to all four scopes; a name is unique among a user’s live keys (409 conflict)', async () => {
    const user = await newUser();
    const first = await create(user.id, { name: 'deploy' });
    expect(first.scopes).toEqual(['run', 'status', 'result', 'logs']);
    expect((await rejection(keys.create({ userId: user.id }, { name: 'deploy' }))).code).toBe('conflict');
    const other = await newUser();
    await create(other.id, { name: 'deploy' });
  });

  it('rejects bad input with validation_failed and creates nothing', async () => {
    const user = await newUser();
    for (const body of [
      { name: '' },
      { name: 'a/b' },
      { name: 'x', expires_in: '90 days' },
      { name: 'x', expires_in: '0d' },
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: [] },
      { name: 'x', extra: 1 },
    ]) {
      const e = await rejection(keys.create({ userId: user.id }, body));
      expect(e.code).toBe('validation_failed');
    }
    expect((await keys.list(user.id)).map((k) => k.name)).toEqual([expect.stringMatching(/^key-/)]);
  });

  it('expires_in sets expires_at; past it the key gets the same 401 as an unknown one, even when cached', async () => {
    const user = await newUser();
    const k = await create(user.id, { name: 'short', expires_in: '90d' });
    const expires = new Date(k.expires_at!).getTime();
    expect(expires - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
    const h = await create(user.id, { name: 'hour', expires_in: '1h' });
    expect((await me(h.key)).statusCode).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_601_000 });
    const res = await me(h.key);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject(INVALID);
  });

  it('malformed, unknown, expired and revoked keys all get the same 401 invalid_token', async () => {
    const team = await createTeam(t.prisma);
    const expired = await createUser(t.prisma, { team, expiresAt: new Date(Date.now() - 1000) });
    const revoked = await createUser(t.prisma, { team });
    await keys.revoke(revoked.id, (await keys.list(revoked.id))[0].name);
    rawKeys.push(expired.key, revoked.key);
    for (const token of ['mk_123', `mk_${'A'.repeat(64)}`, `mk_${'0'.repeat(64)}`, expired.key, revoked.key]) {
      for (const header of ['x', 'bearer'] as const) {
        const res = await me(token, t, header);
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toMatchObject(INVALID);
      }
    }
  });

  it('revocation takes effect on the next request, on this replica and on another one that had the key cached', async () => {
    const user = await newUser();
    const k = await create(user.id, { name: 'revoke-me' });
    expect((await me(k.key, t)).statusCode).toBe(200);
    // Served from the replica's cache from now on (once its listener is live and no change notice overtook the lookup).
    await expect
      .poll(async () => (await me(k.key, replica)).statusCode === 200 && replica.app.get(ApiKeyCache).get(hashToken(k.key)) !== undefined, {
        timeout: 10_000,
        interval: 20,
      })
      .toBe(true);
    const view = await keys.revoke(user.id, 'revoke-me');
    expect(view.revoked_at).not.toBeNull();
    expect((await me(k.key, t)).statusCode).toBe(401);
    await expect.poll(async () => (await me(k.key, replica)).statusCode, { timeout: 5_000, interval: 20 }).toBe(401);
    expect(replica.app.get(ApiKeyCache).get(hashToken(k.key))).toBeUndefined();
    expect((await rejection(keys.revoke(user.id, 'revoke-me'))).code).toBe('not_found');
    expect((await rejection(keys.revoke(user.id, 'no-such-key'))).code).toBe('not_found');
  });

  it('rotation: a new key under the same name; the old one works during the overlap only', async () => {
    const user = await newUser();
    const old = await create(user.id, { name: 'rotating', scopes: ['status'], expires_in: '30d' });
    expect((await me(old.key, replica)).statusCode).toBe(200);
    const next = await keys.rotate(user.id, 'rotating', { overlap: '1h' });
    rawKeys.push(next.key);
    expect(next.key).not.toBe(old.key);
    expect(next).toMatchObject({ name: 'rotating', scopes: ['status'] });
    expect(new Date(next.expires_at!).getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await me(next.key)).statusCode).toBe(200);
    expect((await me(old.key)).statusCode).toBe(200);
    const listed = (await keys.list(user.id)).filter((k) => k.name === 'rotating');
    expect(listed).toHaveLength(2);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_601_000 });
    expect((await me(old.key)).statusCode).toBe(401);
    expect((await me(old.key, replica)).statusCode).toBe(401);
    expect((await me(next.key)).statusCode).toBe(200);
  });

  it('rotation with overlap 0s ends the old key at once, on every replica', async () => {
    const user = await newUser();
    const old = await create(user.id, { name: 'now' });
    expect((await me(old.key, replica)).statusCode).toBe(200);
    const next = await keys.rotate(user.id, 'now', { overlap: '0s' });
    rawKeys.push(next.key);
    expect((await me(old.key)).statusCode).toBe(401);
    await expect.poll(async () => (await me(old.key, replica)).statusCode, { timeout: 5_000, interval: 20 }).toBe(401);
    expect((await me(next.key, replica)).statusCode).toBe(200);
  });

  it('revokeAllForUser ends every key of the user', async () => {
    const user = await newUser();
    const a = await create(user.id, { name: 'a' });
    expect((await me(a.key, replica)).statusCode).toBe(200);
    expect(await keys.revokeAllForUser(user.id)).toBe(2);
    expect((await me(user.key)).statusCode).toBe(401);
    await expect.poll(async () => (await me(a.key, replica)).statusCode, { timeout: 5_000, interval: 20 }).toBe(401);
  });

  it('a role change reaches a cached key on every replica', async () => {
    const team = await createTeam(t.prisma);
    const u = await createUser(t.prisma, { team, role: 'viewer' });
    rawKeys.push(u.key);
    expect((await me(u.key, replica)).json().teams).toEqual([{ team: team.slug, role: 'viewer' }]);
    await t.prisma.membership.update({ where: { userId_teamId: { userId: u.id, teamId: team.id } }, data: { role: 'team_owner' } });
    await expect.poll(async () => (await me(u.key, replica)).json().teams, { timeout: 5_000, interval: 20 }).toEqual([{ team: team.slug, role: 'team_owner' }]);
  });

  it('records last_used_at in batches', async () => {
    const user = await newUser();
    const k = await create(user.id, { name: 'used' });
    await me(k.key);
    await me(k.key);
    await t.app.get(ApiKeyLookup).flushUsage();
    const used = (await keys.list(user.id)).find((x) => x.name === 'used')!;
    expect(used.last_used_at).not.toBeNull();
  });

  it('counts refusals in mantis_auth_failures_total{reason}', async () => {
    const counter = t.app.get(MetricsService).authFailures;
    const before = (await counter.get()).values.find((v) => v.labels.reason === 'invalid_token')?.value ?? 0;
    await me('mk_nope');
    await me(`mk_${'1'.repeat(64)}`);
    const after = (await counter.get()).values.find((v) => v.labels.reason === 'invalid_token')?.value ?? 0;
    expect(after - before).toBe(2);
    const missing = (await counter.get()).values.find((v) => v.labels.reason === 'missing_token')?.value ?? 0;
    await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect((await counter.get()).values.find((v) => v.labels.reason === 'missing_token')?.value).toBe(missing + 1);
  });

  it('no key ever appears in a log line of either replica', () => {
    expect(rawKeys.length).toBeGreaterThan(10);
    for (const logs of [t.logs.text(), replica.logs.text()]) {
      for (const k of rawKeys) expect(logs).not.toContain(k.slice(3));
    }
  });
});

describe('key cache when the change listener loses its connection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('bypasses the cache until it is back, so a revocation made meanwhile is not missed', async () => {
    const team = await createTeam(t.prisma);
    const u = await createUser(t.prisma, { team, role: 'viewer' });
    const me = () => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': u.key } });
    const cache = t.app.get(ApiKeyCache);
    // Nothing is cached until the listener is live, nor by a lookup that a change
    // notice (e.g. this key's own creation) overtook: the next request caches it.
    await expect.poll(async () => (await me()).statusCode === 200 && cache.get(hashToken(u.key)) !== undefined, { timeout: 10_000, interval: 20 }).toBe(true);

    await t.prisma.$executeRawUnsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      LISTENER_APPLICATION_NAME,
    );
    await expect.poll(() => cache.isLive, { timeout: 5_000, interval: 10 }).toBe(false);
    expect(cache.get(hashToken(u.key))).toBeUndefined();
    await t.prisma.apiKey.update({ where: { id: u.keyId }, data: { revokedAt: new Date() } });
    expect((await me()).statusCode).toBe(401);
    await expect.poll(() => cache.isLive, { timeout: 5_000, interval: 50 }).toBe(true);
    expect((await me()).statusCode).toBe(401);
  });
});

describe('a change notice still on its way to a replica', () => {
  let a: TestApp;
  let b: TestApp;
  // Short leases: a replica whose notices are held back stops holding one soon.
  const env = { MANTIS_AUTH_LEASE_MS: '600' };
  beforeAll(async () => {
    a = await buildTestApp({ env });
    b = await buildTestApp({ databaseUrl: a.databaseUrl, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const call = (app: TestApp, key: string, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.app.inject({ method, url, headers: { 'x-mantis-token': key }, ...(payload ? { payload: payload as object } : {}) });

  /** Served from `app`'s key cache from now on. */
  async function cachedOn(app: TestApp, key: string) {
    const cache = app.app.get(ApiKeyCache);
    await expect
      .poll(async () => (await call(app, key, 'GET', '/api/v1/me')).statusCode === 200 && cache.get(hashToken(key)) !== undefined, {
        timeout: 10_000,
        interval: 20,
      })
      .toBe(true);
  }

  /**
   * Holds back the replica's change notices, as a network or a busy event loop
   * may: the replica's cache goes on holding what the notices would drop.
   * Returns the release, which delivers them.
   */
  function holdNotices(app: TestApp): () => void {
    const client = (app.app.get(AuthChangeListener) as unknown as { client: pg.Client }).client;
    const handlers = client.listeners('notification') as ((m: pg.Notification) => void)[];
    const held: pg.Notification[] = [];
    client.removeAllListeners('notification');
    client.on('notification', (m) => held.push(m));
    return () => {
      client.removeAllListeners('notification');
      for (const h of handlers) client.on('notification', h);
      for (const m of held) for (const h of handlers) h(m);
    };
  }

  it('refuses a revoked key on the first request after the revoking response, before the notice arrives', async () => {
    const team = await createTeam(a.prisma);
    const admin = await createUser(a.prisma, { admin: true });
    const victim = await createUser(a.prisma, { team, role: 'team_owner', keyName: 'doomed' });
    await cachedOn(b, victim.key);
    const release = holdNotices(b);
    try {
      const revoke = await call(a, admin.key, 'DELETE', `/api/v1/users/${encodeURIComponent(victim.email)}/api-keys/doomed`);
      expect(revoke.statusCode).toBeLessThan(300);
      // The replica's cache still holds the key: only the epoch check stands between it and the caller.
      expect(b.app.get(ApiKeyCache).get(hashToken(victim.key))).toBeDefined();
      for (const [method, url] of [
        ['GET', '/api/v1/me'],
        ['GET', `/api/v1/teams/${team.slug}/workflows`],
        ['PUT', `/api/v1/teams/${team.slug}/secrets/after-revocation`],
      ] as const) {
        const res = await call(b, victim.key, method, url, method === 'PUT' ? { value: 'x' } : undefined);
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.json().error).toMatchObject(INVALID);
      }
      expect(await a.prisma.secret.count({ where: { teamId: team.id } })).toBe(0);
    } finally {
      release();
    }
    expect(b.app.get(ApiKeyCache).get(hashToken(victim.key))).toBeUndefined();
  });

  it('acts on a role change at once: a demoted team_owner is refused an owner action', async () => {
    const team = await createTeam(a.prisma);
    const admin = await createUser(a.prisma, { admin: true });
    const owner = await createUser(a.prisma, { team, role: 'team_owner' });
    await cachedOn(b, owner.key);
    const release = holdNotices(b);
    try {
      const demote = await call(a, admin.key, 'PUT', `/api/v1/users/${encodeURIComponent(owner.email)}/role`, { team: team.slug, role: 'viewer' });
      expect(demote.statusCode).toBe(200);
      const put = await call(b, owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/demoted`, { value: 'x' });
      expect(put.statusCode).toBe(403);
      expect(put.json().error.code).toBe('insufficient_role');
      expect(await a.prisma.secret.count({ where: { teamId: team.id } })).toBe(0);
      expect((await call(b, owner.key, 'GET', '/api/v1/me')).json().teams).toEqual([{ team: team.slug, role: 'viewer' }]);
    } finally {
      release();
    }
  });

  it('answers a revocation only once every replica holding a lease has applied it', async () => {
    const team = await createTeam(a.prisma);
    const admin = await createUser(a.prisma, { admin: true });
    const victim = await createUser(a.prisma, { team, role: 'team_owner', keyName: 'acknowledged' });
    await cachedOn(b, victim.key);
    const cacheB = b.app.get(ApiKeyCache);
    await expect.poll(() => cacheB.hasLease, { timeout: 5_000, interval: 20 }).toBe(true);
    const revoke = await call(a, admin.key, 'DELETE', `/api/v1/users/${encodeURIComponent(victim.email)}/api-keys/acknowledged`);
    expect(revoke.statusCode).toBeLessThan(300);
    // No notice is awaited here: the revoking response came after replica b had dropped the key.
    expect(cacheB.get(hashToken(victim.key))).toBeUndefined();
    expect(cacheB.hasLease).toBe(true);
    const me = await call(b, victim.key, 'GET', '/api/v1/me');
    expect(me.statusCode).toBe(401);
    expect(me.json().error).toMatchObject(INVALID);
  });

  it('holds up a change for a replica that stopped acknowledging only until its lease runs out', async () => {
    const team = await createTeam(a.prisma);
    const admin = await createUser(a.prisma, { admin: true });
    const victim = await createUser(a.prisma, { team, role: 'viewer', keyName: 'outlived' });
    // A replica that died holding a lease, behind the epoch: its row stays until the lease ends.
    const [gone] = await a.prisma.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO mantis_auth_replicas (id, applied_epoch, lease_until) VALUES (gen_random_uuid(), 0, clock_timestamp() + interval '800 milliseconds') RETURNING id::text`,
    );
    const revoke = await call(a, admin.key, 'DELETE', `/api/v1/users/${encodeURIComponent(victim.email)}/api-keys/outlived`);
    expect(revoke.statusCode).toBeLessThan(300);
    const [row] = await a.prisma.$queryRawUnsafe<{ over: boolean }[]>(
      `SELECT lease_until <= now() AS over FROM mantis_auth_replicas WHERE id = $1::uuid`,
      gone!.id,
    );
    expect(row!.over).toBe(true);
    expect((await call(b, victim.key, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('grants a lease only to a replica that has applied the current epoch', async () => {
    const team = await createTeam(a.prisma);
    await createUser(a.prisma, { team, role: 'viewer' });
    const [{ n }] = await a.prisma.$queryRawUnsafe<{ n: string }[]>('SELECT n::text AS n FROM mantis_auth_epoch WHERE id = 1');
    expect(BigInt(n)).toBeGreaterThan(0n);
    const lease = async (applied: bigint) =>
      (
        await a.prisma.$queryRawUnsafe<{ granted: boolean }[]>('SELECT mantis_auth_lease(gen_random_uuid(), $1::bigint, 1000) AS granted', applied.toString())
      )[0]!.granted;
    expect(await lease(BigInt(n) - 1n)).toBe(false);
    expect(await lease(BigInt(n))).toBe(true);
    // The application's own role cannot hand itself a lease.
    await expect(
      a.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SET LOCAL ROLE mantis_app');
        await tx.$queryRawUnsafe('SELECT mantis_auth_lease(gen_random_uuid(), 0, 1000)');
      }),
    ).rejects.toThrow(/permission denied/);
  });
});
