import { randomBytes } from 'node:crypto';
import { importJWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSigner } from '../../src/modules/audit/audit-signing.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';

const MASTER = randomBytes(32).toString('base64');

/** Our own canonical JSON for a flat object (keys sorted), written apart from the server's. */
const canonical = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))));

describe('signed audit chain heads', () => {
  let t: TestApp;
  let team: TeamFixture;
  let auditor: UserFixture;
  let owner: UserFixture;
  const get = (key: string | undefined, url: string) => t.app.inject({ method: 'GET', url, headers: key ? { 'x-mantis-token': key } : {} });
  const post = (key: string, url: string, payload: unknown) =>
    t.app.inject({ method: 'POST', url, headers: { 'x-mantis-token': key }, payload: payload as object });
  const head = async () => (await get(auditor.key, `/api/v1/teams/${team.slug}/audit-events/head`)).json();
  const verifyWith = async (checkpoint: unknown) => post(auditor.key, `/api/v1/teams/${team.slug}/audit-events/verify`, { checkpoint });
  const change = async (name: string) => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/teams/${team.slug}/secrets/${name}`,
      headers: { 'x-mantis-token': owner.key },
      payload: { value: 'v' },
    });
    expect(res.statusCode).toBeLessThan(300);
  };

  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_MASTER_KEY: MASTER } });
    team = await createTeam(t.prisma);
    auditor = await createUser(t.prisma, { team, role: 'auditor' });
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const savedHead = ({ team: tm }: { team: TeamFixture }) =>
    t.app.get(AuditSigner).sign({ team: tm.slug, seq: 0, hash: '0'.repeat(64), ts: new Date().toISOString() });
  describeProtectedRoute(() => t, { method: 'GET', url: ({ team: tm }) => `/api/v1/teams/${tm.slug}/audit-events/head`, role: 'auditor', allowedStatus: 200 });
  describeProtectedRoute(() => t, {
    method: 'POST',
    url: ({ team: tm }) => `/api/v1/teams/${tm.slug}/audit-events/verify`,
    role: 'auditor',
    payload: (ctx) => ({ checkpoint: savedHead(ctx) }),
    allowedStatus: 200,
  });

  it('publishes the signing keys as an open JWKS of Ed25519 keys', async () => {
    const res = await get(undefined, '/api/v1/audit-signing-keys');
    expect(res.statusCode).toBe(200);
    const { keys } = res.json();
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String), x: expect.any(String) });
    expect(JSON.stringify(keys)).not.toMatch(/"d"/); // public halves only
  });

  it('the head is signed by a published key, and verifies with jose and WebCrypto', async () => {
    await change('one');
    const h = await head();
    expect(Object.keys(h).sort()).toEqual(['hash', 'key_id', 'seq', 'signature', 'team', 'ts']);
    expect(h.team).toBe(team.slug);
    const newest = await t.prisma.auditEvent.findFirstOrThrow({ where: { teamId: team.id }, orderBy: { seq: 'desc' } });
    expect(h).toMatchObject({ seq: Number(newest.seq), hash: newest.hash });
    const { keys } = (await get(undefined, '/api/v1/audit-signing-keys')).json();
    const jwk = keys.find((k: { kid: string }) => k.kid === h.key_id);
    expect(jwk).toBeDefined();
    const key = (await importJWK(jwk, 'EdDSA')) as Parameters<typeof crypto.subtle.verify>[1];
    const { signature, ...fields } = h;
    const data = new TextEncoder().encode(canonical(fields));
    expect(await crypto.subtle.verify('Ed25519', key, Buffer.from(signature, 'base64url'), data)).toBe(true);
    const forged = new TextEncoder().encode(canonical({ ...fields, seq: fields.seq + 1 }));
    expect(await crypto.subtle.verify('Ed25519', key, Buffer.from(signature, 'base64url'), forged)).toBe(false);
  });

  it('verify with a saved head: ok while intact, then reports the newest events cut off', async () => {
    await change('two');
    await change('three');
    const saved = await head();
    const intact = await verifyWith(saved);
    expect(intact.statusCode).toBe(200);
    expect(intact.json()).toMatchObject({ ok: true, reason: null, checkpoint: { seq: saved.seq, found: true } });
    expect(intact.json().checked).toBeGreaterThanOrEqual(3);

    // An attacker with superuser access cuts the two newest events, triggers off.
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL session_replication_role = replica');
      const cut = await c.query(`DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE team_id = $1 ORDER BY seq DESC LIMIT 2)`, [team.id]);
      expect(cut.rowCount).toBe(2);
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
    // Without a checkpoint the shorter chain still links up: that is why heads are saved.
    const plain = (await get(auditor.key, `/api/v1/teams/${team.slug}/audit-events/verify`)).json();
    expect(plain.ok).toBe(true);
    const after = await verifyWith(saved);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ ok: false, reason: 'checkpoint_missing', checkpoint: { seq: saved.seq, found: false } });
  });

  it('reports a rewritten event and refuses a head whose signature does not hold', async () => {
    await change('four');
    const saved = await head();
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL session_replication_role = replica');
      await c.query(`UPDATE audit_events SET action = 'secret.read' WHERE team_id = $1 AND seq = $2`, [team.id, saved.seq]);
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
    expect((await verifyWith(saved)).json()).toMatchObject({ ok: false, reason: 'chain_broken', first_broken: { seq: saved.seq, reason: 'hash_mismatch' } });
    const forged = { ...saved, hash: 'f'.repeat(64) };
    expect((await verifyWith(forged)).json()).toMatchObject({ ok: false, reason: 'signature_invalid' });
    const other = await createTeam(t.prisma);
    const foreign = t.app.get(AuditSigner).sign({ team: other.slug, seq: saved.seq, hash: saved.hash, ts: saved.ts });
    expect((await verifyWith(foreign)).json()).toMatchObject({ ok: false, reason: 'team_mismatch' });
  });

  it('refuses a malformed checkpoint with validation_failed', async () => {
    const res = await verifyWith({ seq: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('replicas with the same master key agree; after a rotation old heads still verify', async () => {
    const other = await createTeam(t.prisma);
    const auditor2 = await createUser(t.prisma, { team: other, role: 'auditor' });
    const replica = await buildTestApp({ databaseUrl: t.databaseUrl, env: { MANTIS_MASTER_KEY: MASTER, MANTIS_AUDIT_SIGNING_KEY_VERSION: '2' } });
    try {
      const before = (await get(auditor2.key, `/api/v1/teams/${other.slug}/audit-events/head`)).json();
      const rotatedKeys = (await replica.app.inject({ method: 'GET', url: '/api/v1/audit-signing-keys' })).json().keys.map((k: { kid: string }) => k.kid);
      expect(rotatedKeys).toContain(before.key_id);
      expect(rotatedKeys).toHaveLength(2);
      const res = await replica.app.inject({
        method: 'POST',
        url: `/api/v1/teams/${other.slug}/audit-events/verify`,
        headers: { 'x-mantis-token': auditor2.key },
        payload: { checkpoint: before },
      });
      expect(res.json()).toMatchObject({ ok: true });
      const after = (
        await replica.app.inject({ method: 'GET', url: `/api/v1/teams/${other.slug}/audit-events/head`, headers: { 'x-mantis-token': auditor2.key } })
      ).json();
      expect(after.key_id).not.toBe(before.key_id);
      expect(rotatedKeys[0]).toBe(after.key_id);
    } finally {
      await replica.app.close();
      await replica.prisma.$disconnect();
    }
  });
});
