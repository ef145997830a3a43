import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }] };

describe('Idempotency-Key on run creation', () => {
  let t: TestApp;
  let team: TeamFixture;
  let op: UserFixture;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    op = await createUser(t.prisma, { team, role: 'operator' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const predict = (key: string, idem: string, payload: unknown) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': key, 'idempotency-key': idem }, payload: payload as object });
  const runs = (teamId: string) => t.prisma.run.count({ where: { teamId } });

  it('replays the first response with Idempotent-Replayed: true and creates no second run', async () => {
    const tm = await createTeam(t.prisma);
    const user = await createUser(t.prisma, { team: tm, role: 'operator' });
    const first = await predict(user.key, 'k-replay', { plan: PLAN, detached: true });
    expect(first.statusCode).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same body with its keys in another order is the same request.
    const again = await predict(user.key, 'k-replay', { detached: true, plan: PLAN });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await runs(tm.id)).toBe(1);
  });

  it('answers 422 idempotency_key_reused for the same key with another body', async () => {
    await predict(op.key, 'k-mismatch', { plan: PLAN, detached: true });
    const other = await predict(op.key, 'k-mismatch', { plan: PLAN, detached: true, max_cost: 1 });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
  });

  it('creates exactly one run from 20 concurrent requests with one key', async () => {
    const tm = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    const user = await createUser(t.prisma, { team: tm, role: 'operator' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => predict(user.key, 'k-race', { plan: PLAN, detached: true })));
    const codes = responses.map((r) => r.statusCode);
    expect(codes.every((c) => c === 202 || c === 409)).toBe(true);
    expect(codes.filter((c) => c === 202).length).toBeGreaterThanOrEqual(1);
    for (const r of responses.filter((x) => x.statusCode === 409)) expect(r.json().error.code).toBe('idempotency_in_flight');
    const ids = new Set(responses.filter((r) => r.statusCode === 202).map((r) => r.json().run_id));
    expect(ids.size).toBe(1);
    expect(await runs(tm.id)).toBe(1);
    const later = await predict(user.key, 'k-race', { plan: PLAN, detached: true });
    expect(later.json().run_id).toBe([...ids][0]);
  });

  it('scopes keys to the team: the same key in two teams makes two runs', async () => {
    const other = await createTeam(t.prisma);
    const otherOp = await createUser(t.prisma, { team: other, role: 'operator' });
    const a = await predict(op.key, 'k-shared', { plan: PLAN, detached: true });
    const b = await predict(otherOp.key, 'k-shared', { plan: PLAN, detached: true });
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(202);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.json().run_id).not.toBe(b.json().run_id);
  });

  it('stores nothing for a request that failed, so the key can be used again', async () => {
    const tm = await createTeam(t.prisma, { allowedDomains: ['example.com'] });
    const user = await createUser(t.prisma, { team: tm, role: 'operator' });
    const invalid = await predict(user.key, 'k-fail', { plan: { steps: [] } });
    expect(invalid.statusCode).toBe(400);
    const refused = await predict(user.key, 'k-fail', { plan: { steps: [{ navigate: 'https://evil.test/' }] }, detached: true });
    expect(refused.statusCode).toBe(403);
    expect(await t.prisma.idempotencyRecord.count({ where: { teamId: tm.id } })).toBe(0);
    const ok = await predict(user.key, 'k-fail', { plan: PLAN, detached: true });
    expect(ok.statusCode).toBe(202);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
  });

  it('forgets a key after 24 hours', async () => {
    const tm = await createTeam(t.prisma);
    const user = await createUser(t.prisma, { team: tm, role: 'operator' });
    const first = await predict(user.key, 'k-expiry', { plan: PLAN, detached: true });
    await t.prisma.idempotencyRecord.updateMany({ where: { teamId: tm.id, key: 'k-expiry' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const second = await predict(user.key, 'k-expiry', { plan: PLAN, detached: true, max_cost: 2 });
    expect(second.statusCode).toBe(202);
    expect(second.json().run_id).not.toBe(first.json().run_id);
    const record = await t.prisma.idempotencyRecord.findFirstOrThrow({ where: { teamId: tm.id, key: 'k-expiry' } });
    expect(record.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('refuses a key longer than 255 characters and ignores the key on read actions', async () => {
    const long = await predict(op.key, 'x'.repeat(256), { plan: PLAN, detached: true });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details.fields[0].field).toBe('Idempotency-Key');
    const run = (await predict(op.key, 'k-read-1', { plan: PLAN, detached: true })).json();
    const s1 = await predict(op.key, 'k-read-2', { action: 'status', run_id: run.run_id });
    expect(s1.statusCode).toBe(200);
    expect(s1.headers['idempotent-replayed']).toBeUndefined();
  });

  it('applies to workflow runs and hook triggers too', async () => {
    const tm = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team: tm, role: 'team_owner' });
    const h = { 'x-mantis-token': owner.key };
    await t.app.inject({ method: 'PUT', url: '/api/v1/workflows/wf', headers: h, payload: { plan: PLAN } });
    await t.app.inject({ method: 'PUT', url: `/api/v1/hooks/idem-${tm.slug}`, headers: h, payload: { workflow: 'wf', auth: 'none' } });
    const call = (url: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url, headers: { ...headers, 'idempotency-key': `key-${url}` }, payload: {} });
    const w1 = await call('/api/v1/run/wf', h);
    const w2 = await call('/api/v1/run/wf', h);
    expect(w1.statusCode).toBe(202);
    expect(w2.headers['idempotent-replayed']).toBe('true');
    expect(w2.json().run_id).toBe(w1.json().run_id);
    const h1 = await call(`/hooks/idem-${tm.slug}`, {});
    const h2 = await call(`/hooks/idem-${tm.slug}`, {});
    expect(h1.statusCode).toBe(202);
    expect(h1.json().source).toBe('hook');
    expect(h2.headers['idempotent-replayed']).toBe('true');
    expect(h2.json().run_id).toBe(h1.json().run_id);
    expect(await runs(tm.id)).toBe(2);
    // One key space per team: the workflow run's key on the hook is another request.
    const crossed = await t.app.inject({ method: 'POST', url: `/hooks/idem-${tm.slug}`, headers: { 'idempotency-key': 'key-/api/v1/run/wf' }, payload: {} });
    expect(crossed.statusCode).toBe(422);
  });
});
