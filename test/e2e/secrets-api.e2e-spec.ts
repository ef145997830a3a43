import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretResolver } from '../../src/modules/secrets/secret-resolver.port.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';

describe('secrets API', () => {
  let t: TestApp;
  const call = (key: string, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': key, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a canary value never appears in a response, a log line or an audit row', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const viewer = await createUser(t.prisma, { team, role: 'viewer' });
    const canary = `CANARY-${randomBytes(12).toString('hex')}`;
    const bodies: string[] = [];
    const created = await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/anthropic_api_key`, { value: canary });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ name: 'anthropic_api_key', origins: [], created_at: expect.any(String), updated_at: expect.any(String) });
    bodies.push(created.body);
    const replaced = await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/anthropic_api_key`, { value: `${canary}-2` });
    expect(replaced.statusCode).toBe(200);
    bodies.push(replaced.body);
    const list = await call(viewer.key, 'GET', `/api/v1/teams/${team.slug}/secrets`);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([{ name: 'anthropic_api_key', origins: [], created_at: expect.any(String), updated_at: expect.any(String) }]);
    bodies.push(list.body);
    // A refused write and a malformed one must not echo the value either.
    const denied = await call(viewer.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/other`, { value: canary });
    expect(denied.statusCode).toBe(403);
    bodies.push(denied.body);
    const bad = await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/bad%2Fname`, { value: canary, extra: canary });
    expect(bad.statusCode).toBe(400);
    bodies.push(bad.body);

    for (const b of bodies) expect(b).not.toContain(canary);
    expect(t.logs.text()).not.toContain(canary);
    const audit = await t.prisma.auditEvent.findMany({ where: { teamId: team.id } });
    expect(audit.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(audit.map((a) => ({ ...a, seq: String(a.seq) })))).not.toContain(canary);
    const rows = await t.prisma.secret.findMany({ where: { teamId: team.id } });
    expect(Buffer.from(rows[0].ciphertext).toString('latin1')).not.toContain(canary);
    expect(await t.app.get(SecretResolver).resolve(team.id, 'anthropic_api_key')).toBe(`${canary}-2`);
  });

  it('the same name in two teams holds each team its own value', async () => {
    const a = await createTeam(t.prisma);
    const b = await createTeam(t.prisma);
    const ownerA = await createUser(t.prisma, { team: a, role: 'team_owner' });
    const ownerB = await createUser(t.prisma, { team: b, role: 'team_owner' });
    await call(ownerA.key, 'PUT', `/api/v1/teams/${a.slug}/secrets/token`, { value: 'for-a' });
    await call(ownerB.key, 'PUT', `/api/v1/teams/${b.slug}/secrets/token`, { value: 'for-b' });
    const resolver = t.app.get(SecretResolver);
    expect(await resolver.resolve(a.id, 'token')).toBe('for-a');
    expect(await resolver.resolve(b.id, 'token')).toBe('for-b');
    // Team A's owner cannot reach team B's secret, by path or header.
    expect((await call(ownerA.key, 'DELETE', `/api/v1/teams/${b.slug}/secrets/token`)).statusCode).toBe(404);
    expect((await call(ownerA.key, 'DELETE', '/api/v1/secrets/token', undefined, { 'x-mantis-team': b.slug })).statusCode).toBe(404);
    expect(await resolver.resolve(b.id, 'token')).toBe('for-b');
  });

  it('deletes, 404 for a missing name, and rejects bad names and values with the fields named', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    await call(owner.key, 'PUT', `/api/v1/secrets/gone`, { value: 'x' });
    expect((await call(owner.key, 'DELETE', `/api/v1/teams/${team.slug}/secrets/gone`)).statusCode).toBe(204);
    expect((await call(owner.key, 'DELETE', `/api/v1/teams/${team.slug}/secrets/gone`)).statusCode).toBe(404);
    const empty = await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/x`, { value: '' });
    expect(empty.json().error.details.fields[0].field).toBe('value');
    const dotted = await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/.env`, { value: 'x' });
    expect(dotted.statusCode).toBe(400);
    expect(await t.prisma.secret.count({ where: { teamId: team.id } })).toBe(0);
  });
});
