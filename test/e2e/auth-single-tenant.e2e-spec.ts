import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';

const API_TOKEN = 'single-tenant-token-0123456789abcdef';

describe('single-tenant token and missing credential sources', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const me = (headers: Record<string, string>) => t!.app.inject({ method: 'GET', url: '/api/v1/me', headers });

  it('MANTIS_API_TOKEN acts as an operator service account in team default with all scopes', async () => {
    t = await buildTestApp({ env: { MANTIS_API_TOKEN: API_TOKEN } });
    const res = await me({ 'x-mantis-token': API_TOKEN });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      kind: 'service',
      email: expect.any(String),
      admin: false,
      teams: [{ team: 'default', role: 'operator' }],
      scopes: ['run', 'status', 'result', 'logs'],
      auth_method: 'single_tenant',
    });
    expect(await t.prisma.team.findUnique({ where: { slug: 'default' } })).not.toBeNull();

    for (const wrong of [API_TOKEN.slice(0, -1) + 'x', API_TOKEN.slice(0, -1), `${API_TOKEN}x`, 'x']) {
      const bad = await me({ 'x-mantis-token': wrong });
      expect(bad.statusCode).toBe(401);
      expect(bad.json().error.code).toBe('invalid_token');
    }
    expect((await me({})).json().error.code).toBe('missing_token');
    expect(t.logs.text()).not.toContain(API_TOKEN);
  });

  it('with a keys file configured, MANTIS_API_TOKEN is not a credential', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mantis-keys-'));
    const path = join(dir, 'keys.json');
    writeFileSync(path, JSON.stringify({ tenant_keys: { 'file-token-abcdef0123456789': { tenant_id: 'acme' } } }));
    t = await buildTestApp({ env: { MANTIS_API_TOKEN: API_TOKEN, MANTIS_TENANT_KEYS_PATH: path } });
    expect((await me({ 'x-mantis-token': API_TOKEN })).statusCode).toBe(401);
    expect((await me({ 'x-mantis-token': 'file-token-abcdef0123456789' })).statusCode).toBe(200);
  });

  it('no credential source at all: 503 auth_not_configured, with or without a token; a first key ends it', async () => {
    t = await buildTestApp();
    const attempts: Record<string, string>[] = [{}, { 'x-mantis-token': 'anything' }, { authorization: `Bearer mk_${'a'.repeat(64)}` }];
    for (const headers of attempts) {
      const res = await me(headers);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('auth_not_configured');
    }
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const admin = await createUser(t.prisma, { admin: true });
    expect((await me({})).json().error.code).toBe('missing_token');
    expect((await me({ 'x-mantis-token': admin.key })).statusCode).toBe(200);
  });
});
