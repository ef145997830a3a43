import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/platform/auth/api-key-format.js';
import { buildTestApp, type TestApp } from '../support/app.js';

const within5s = { timeout: 5_000, interval: 100 };
const token = (label: string) => `${label}-${randomBytes(16).toString('hex')}`;

describe('tenant keys file (MANTIS_TENANT_KEYS_PATH)', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'mantis-keys-'));
  const path = join(dir, 'keys.json');
  const acme1 = token('acme');
  const acme2 = token('acme');
  const globex = token('globex');
  const all: string[] = [acme1, acme2, globex];

  /** Replaces the file atomically, as editors and config managers do. */
  function writeKeys(doc: unknown) {
    const tmp = `${path}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
    renameSync(tmp, path);
  }
  const status = async (tok: string) => (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': tok } })).statusCode;

  beforeAll(async () => {
    writeKeys({
      tenant_keys: {
        [acme1]: {
          tenant_id: 'acme',
          scopes: ['run', 'status'],
          max_concurrent_runs: 2,
          allowed_domains: ['example.com', '*.example.org'],
          webhook_url: 'https://hooks.example.com/x',
          webhook_secret_name: 'acme_whsec',
        },
      },
    });
    t = await buildTestApp({ env: { MANTIS_TENANT_KEYS_PATH: path } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports at start: the token acts as an operator service account of its team, limited to its scopes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': acme1 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      kind: 'service',
      admin: false,
      teams: [{ team: 'acme', role: 'operator' }],
      scopes: ['run', 'status'],
      auth_method: 'tenant_token',
    });
  });

  it('turns the entry settings, with the seed defaults, into the team settings; stores only the hash', async () => {
    const team = await t.prisma.team.findUniqueOrThrow({ where: { slug: 'acme' } });
    expect(team).toMatchObject({
      source: 'keys_file',
      maxConcurrentRuns: 2,
      maxCostPerRun: 25,
      maxTimeMinutesPerRun: 60,
      rateLimitPerMinute: 30,
      anthropicSecretName: 'anthropic_api_key',
      allowedDomains: ['example.com', '*.example.org'],
      webhookUrl: 'https://hooks.example.com/x',
      webhookSecretName: 'acme_whsec',
    });
    const key = await t.prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashToken(acme1) } });
    expect(key).toMatchObject({ source: 'keys_file', teamId: team.id, revokedAt: null });
    expect(JSON.stringify(key)).not.toContain(acme1);
  });

  it('a second token for the same tenant (rotation) and a new tenant work within 5 s; both old and new work', async () => {
    writeKeys({
      tenant_keys: {
        [acme1]: { tenant_id: 'acme', scopes: ['run', 'status'] },
        [acme2]: { tenant_id: 'acme' },
        [globex]: { tenant_id: 'globex', rate_limit_per_minute: 0 },
      },
    });
    await expect.poll(() => status(acme2), within5s).toBe(200);
    await expect.poll(() => status(globex), within5s).toBe(200);
    expect(await status(acme1)).toBe(200);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer ignored', 'x-mantis-token': acme2 } });
    expect(me.json()).toMatchObject({ teams: [{ team: 'acme', role: 'operator' }], scopes: ['run', 'status', 'result', 'logs'] });
    expect((await t.prisma.team.findUniqueOrThrow({ where: { slug: 'globex' } })).rateLimitPerMinute).toBe(0);
  });

  it('a token removed from the file gets 401 invalid_token within 5 s, even after being cached, on every replica', async () => {
    const replica = await buildTestApp({ databaseUrl: t.databaseUrl });
    const onReplica = async (tok: string) => (await replica.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': tok } })).statusCode;
    expect(await status(acme1)).toBe(200); // cached now
    expect(await onReplica(acme1)).toBe(200);
    writeKeys({ tenant_keys: { [acme2]: { tenant_id: 'acme' }, [globex]: { tenant_id: 'globex' } } });
    await expect.poll(() => status(acme1), within5s).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': acme1 } });
    expect(res.json().error).toMatchObject({ code: 'invalid_token', message: 'The token is invalid, expired or revoked' });
    expect(await status(acme2)).toBe(200);
    await expect.poll(() => onReplica(acme1), within5s).toBe(401);
    expect(await onReplica(acme2)).toBe(200);
    for (const tok of all) expect(replica.logs.text()).not.toContain(tok);
    await replica.close();
  });

  it('a token of the right length but the wrong value, and an empty token header, are refused', async () => {
    const wrong = acme2.slice(0, -1) + (acme2.endsWith('0') ? '1' : '0');
    expect(await status(wrong)).toBe(401);
    const empty = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': '' } });
    expect(empty.json().error.code).toBe('missing_token');
  });

  it.each([
    ['not JSON or YAML', '{"tenant_keys": {'],
    ['an entry without tenant_id', (tok: string) => ({ tenant_keys: { [tok]: { scopes: ['run'] } } })],
    ['an empty token', (tok: string) => ({ tenant_keys: { [tok]: { tenant_id: 'acme' }, '': { tenant_id: 'acme' } } })],
    ['an invalid tenant_id', (tok: string) => ({ tenant_keys: { [tok]: { tenant_id: 'Not A Slug!' } } })],
    ['an unknown scope', (tok: string) => ({ tenant_keys: { [tok]: { tenant_id: 'acme', scopes: ['admin'] } } })],
    ['no tenant_keys map', { keys: {} }],
  ])('a malformed file (%s) changes nothing and logs one error line without the token', async (_label, doc) => {
    const fresh = token('fresh');
    all.push(fresh);
    const before = t.logs.lines.length;
    writeKeys(typeof doc === 'function' ? doc(fresh) : doc);
    await expect.poll(() => t.logs.lines.slice(before).filter((l) => l.includes('tenant keys file rejected')).length, within5s).toBe(1);
    expect(await status(fresh)).toBe(401);
    expect(await status(acme2)).toBe(200);
    expect(await status(globex)).toBe(200);
    const line = t.logs.lines.slice(before).find((l) => l.includes('tenant keys file rejected'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 50, reason: expect.any(String) });
  });

  it('a missing file counts as malformed: the last good keys stay in force', async () => {
    const before = t.logs.lines.length;
    rmSync(path);
    await expect.poll(() => t.logs.lines.slice(before).some((l) => l.includes('file not found')), within5s).toBe(true);
    expect(await status(acme2)).toBe(200);
  });

  it('a file fixed again is imported', async () => {
    const fresh = token('fixed');
    all.push(fresh);
    writeKeys(`tenant_keys:\n  "${fresh}":\n    tenant_id: initech\n`);
    await expect.poll(() => status(fresh), within5s).toBe(200);
    expect(await status(acme2)).toBe(401);
  });

  it('no token from the file ever appears in a log line', () => {
    const logs = t.logs.text();
    for (const tok of all) expect(logs).not.toContain(tok);
    for (const tok of all) expect(logs).not.toContain(tok.slice(-20));
  });
});
