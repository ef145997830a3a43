import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';

describe('mk_ API keys', () => {
  let t: TestApp;
  let keys: ApiKeysService;
  beforeAll(async () => {
    t = await buildTestApp();
    keys = t.app.get(ApiKeysService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const me = (token: string, header: 'x' | 'bearer' = 'x') =>
    t.app.inject({ method: 'GET', url: '/api/v1/me', headers: header === 'x' ? { 'x-mantis-token': token } : { authorization: `Bearer ${token}` } });

  it('a created key is mk_ + 64 lowercase hex, shown once, and authenticates with its user and role', async () => {
    const team = await createTeam(t.prisma);
    const user = await createUser(t.prisma, { team, role: 'operator' });
    const created = await keys.create({ userId: user.id }, { name: 'ci', scopes: ['status', 'run'] });
    expect(created.key).toMatch(/^mk_[0-9a-f]{64}$/);
    expect(created.prefix).toBe(created.key.slice(0, 9));
    expect(created).toMatchObject({ name: 'ci', expires_at: null, scopes: ['run', 'status'] });

    const res = await me(created.key, 'bearer');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      kind: 'user',
      email: user.email,
      admin: false,
      teams: [{ team: team.slug, role: 'operator' }],
      scopes: ['run', 'status'],
      auth_method: 'api_key',
    });

    const listed = await keys.list(user.id);
    const ci = listed.find((k) => k.name === 'ci')!;
    expect(ci).toEqual({
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
    const row = await t.prisma.apiKey.findFirstOrThrow({ where: { userId: user.id, name: 'ci' } });
    expect(row.keyHash).not.toContain(created.key.slice(3));
  });
});
