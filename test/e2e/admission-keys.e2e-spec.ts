import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/platform/auth/api-key-format.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createApiKey, createTeam, createUser } from '../support/factories.js';

const within5s = { timeout: 5_000, interval: 100 };
type Method = 'GET' | 'POST' | 'DELETE';
const call = (t: TestApp, key: string, method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { 'x-mantis-token': key }, ...(payload ? { payload } : {}) });

describe('who may mint keys: tenant tokens and removal from the keys file', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'mantis-keys-'));
  const path = join(dir, 'keys.json');
  const tok = `acme-${randomBytes(16).toString('hex')}`;
  const keep = `acme-${randomBytes(16).toString('hex')}`;
  const writeKeys = (doc: unknown) => {
    const tmp = `${path}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, path);
  };

  beforeAll(async () => {
    writeKeys({ tenant_keys: { [tok]: { tenant_id: 'acme' }, [keep]: { tenant_id: 'acme' } } });
    t = await buildTestApp({ env: { MANTIS_TENANT_KEYS_PATH: path } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a tenant token cannot create, rotate or revoke keys, even its own service account’s (403 insufficient_role)', async () => {
    const me = (await call(t, tok, 'GET', '/api/v1/me')).json();
    const create = await call(t, tok, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'forever' });
    expect(create.statusCode, create.body).toBe(403);
    expect(create.json().error.code).toBe('insufficient_role');
    const sa = await t.prisma.user.findUniqueOrThrow({ where: { email: me.email } });
    await createApiKey(t.prisma, sa.id, { name: 'existing' });
    for (const [method, url] of [
      ['POST', `/api/v1/users/${me.email}/api-keys/existing/rotate`],
      ['DELETE', `/api/v1/users/${me.email}/api-keys/existing`],
    ] as const) {
      const res = await call(t, tok, method, url, method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('insufficient_role');
    }
    expect(await t.prisma.apiKey.count({ where: { userId: sa.id } })).toBe(2); // the token and `existing`, nothing new
  });

  it('removing a token from the file revokes every key of its service account, not only the token', async () => {
    const me = (await call(t, tok, 'GET', '/api/v1/me')).json();
    const sa = await t.prisma.user.findUniqueOrThrow({ where: { email: me.email } });
    const minted = await createApiKey(t.prisma, sa.id, { name: 'minted-earlier' });
    const kept = (await call(t, keep, 'GET', '/api/v1/me')).json();
    const other = await createApiKey(t.prisma, (await t.prisma.user.findUniqueOrThrow({ where: { email: kept.email } })).id, { name: 'other-sa' });
    expect((await call(t, minted.key, 'GET', '/api/v1/me')).statusCode).toBe(200); // cached now

    writeKeys({ tenant_keys: { [keep]: { tenant_id: 'acme' } } });
    await expect.poll(async () => (await call(t, tok, 'GET', '/api/v1/me')).statusCode, within5s).toBe(401);
    const res = await call(t, minted.key, 'GET', '/api/v1/me');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_token');
    expect((await t.prisma.apiKey.findUniqueOrThrow({ where: { id: minted.id } })).revokedAt).not.toBeNull();
    // The token still in the file, and its service account's keys, keep working.
    expect((await call(t, keep, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(t, other.key, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await t.prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashToken(keep) } })).revokedAt).toBeNull();
  });
});

describe('who may mint keys: the single-tenant token', () => {
  let t: TestApp;
  const token = `single-${randomBytes(16).toString('hex')}`;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_API_TOKEN: token } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('MANTIS_API_TOKEN cannot create a key for its service account (403 insufficient_role)', async () => {
    const me = (await call(t, token, 'GET', '/api/v1/me')).json();
    const res = await call(t, token, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'escape' });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('insufficient_role');
    expect(await t.prisma.apiKey.count({ where: { source: 'api' } })).toBe(0);
  });
});

describe('keys made with keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a 60-second key limited to status cannot create, rotate or revoke keys (403 insufficient_scope)', async () => {
    const team = await createTeam(t.prisma);
    const me = await createUser(t.prisma, { team, role: 'operator', scopes: ['status'], expiresAt: new Date(Date.now() + 60_000) });
    await createApiKey(t.prisma, me.id, { name: 'laptop' });
    const base = `/api/v1/users/${me.email}/api-keys`;
    for (const [method, url, body] of [
      ['POST', base, { name: 'forever' }],
      ['POST', base, { name: 'forever', scopes: ['status'] }],
      ['POST', `${base}/laptop/rotate`, {}],
      ['DELETE', `${base}/laptop`, undefined],
    ] as const) {
      const res = await call(t, me.key, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('insufficient_scope');
    }
    const keys = await t.prisma.apiKey.findMany({ where: { userId: me.id } });
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.revokedAt === null && k.replacedById === null)).toBe(true);
  });

  it('a key made or rotated with an expiring key expires no later than it', async () => {
    const team = await createTeam(t.prisma);
    const ends = new Date(Date.now() + 60_000);
    const me = await createUser(t.prisma, { team, role: 'operator', expiresAt: ends });
    await createApiKey(t.prisma, me.id, { name: 'permanent' });
    const base = `/api/v1/users/${me.email}/api-keys`;

    for (const body of [{ name: 'no-expiry' }, { name: 'long', expires_in: '90d' }]) {
      const res = await call(t, me.key, 'POST', base, body);
      expect(res.statusCode, res.body).toBe(201);
      expect(Date.parse(res.json().expires_at)).toBeLessThanOrEqual(ends.getTime());
      const stored = await t.prisma.apiKey.findFirstOrThrow({ where: { userId: me.id, name: body.name } });
      expect(stored.expiresAt!.getTime()).toBeLessThanOrEqual(ends.getTime());
    }
    const short = await call(t, me.key, 'POST', base, { name: 'short', expires_in: '10s' });
    expect(Date.parse(short.json().expires_at)).toBeLessThan(ends.getTime() - 30_000);

    const rotated = await call(t, me.key, 'POST', `${base}/permanent/rotate`, {});
    expect(rotated.statusCode, rotated.body).toBe(201);
    expect(rotated.json().expires_at).not.toBeNull();
    expect(Date.parse(rotated.json().expires_at)).toBeLessThanOrEqual(ends.getTime());
  });

  it('a key with no expiry and all scopes still makes keys as before', async () => {
    const team = await createTeam(t.prisma);
    const me = await createUser(t.prisma, { team, role: 'operator' });
    const res = await call(t, me.key, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'ci', scopes: ['run'] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ expires_at: null, scopes: ['run'] });
  });
});
