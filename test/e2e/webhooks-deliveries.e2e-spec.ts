import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunCompletionNotifier } from '../../src/modules/webhooks/run-completion.port.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

describe('webhook delivery log and manual retry', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    t = await buildTestApp({
      roles: ['api', 'worker'],
      env: { MANTIS_WORKER_POLL_MS: '50', MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true', MANTIS_WEBHOOK_RETRY_SCHEDULE: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  /** `settledAs` writes the row as already failed in the same transaction, so the running sender never picks it up. */
  async function enqueue(app: TestApp, team: TeamFixture, path: string, settledAs?: 'failed'): Promise<string> {
    const runId = `run_${Math.random().toString(36).slice(2)}`;
    await app.app.get(PrismaService).$transaction(async (tx) => {
      await app.app.get(RunCompletionNotifier).enqueue(tx, team.id, { run_id: runId }, rx.url(path));
      if (settledAs) await tx.webhookDelivery.updateMany({ where: { runId }, data: { status: settledAs, attempts: 1, lastStatusCode: 500 } });
    });
    return (await app.prisma.webhookDelivery.findFirstOrThrow({ where: { teamId: team.id, runId } })).id;
  }

  const settled = (id: string) =>
    eventually(async () => {
      const row = await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      return row.status !== 'pending' && row;
    });

  describeProtectedRoute(() => t, {
    method: 'GET',
    url: ({ team }) => `/api/v1/teams/${team.slug}/webhook-deliveries`,
    role: 'team_owner',
    allowedStatus: 200,
  });

  describeProtectedRoute(() => t, {
    method: 'POST',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/webhook-deliveries/${fixture.id}/retry`,
    role: 'team_owner',
    setup: async (app, team) => {
      return { id: await enqueue(app, team, '/protected', 'failed') };
    },
    allowedStatus: 202,
  });

  it("lists the team's deliveries newest first, pages with a cursor, filters by status, and shows no other team's", async () => {
    const team = await createTeam(t.prisma);
    const other = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    rx.answer(({ path }) => ({ status: path === '/list-bad' ? 400 : 200 }));
    const ids: string[] = [];
    for (const p of ['/list-1', '/list-2', '/list-bad']) {
      ids.push(await enqueue(t, team, p));
      await settled(ids[ids.length - 1]);
    }
    await enqueue(t, other, '/list-other');
    const headers = { 'x-mantis-token': owner.key };

    const page1 = await t.app.inject({ method: 'GET', url: `/api/v1/teams/${team.slug}/webhook-deliveries?limit=2`, headers });
    expect(page1.statusCode).toBe(200);
    expect(page1.json().data.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
    expect(page1.json().data[0]).toMatchObject({
      id: ids[2],
      event_type: 'run.completed',
      status: 'failed',
      attempts: 1,
      last_status_code: 400,
      url: rx.url('/list-bad'),
      next_attempt_at: null,
    });
    const listed = await t.prisma.auditEvent.findFirst({ where: { teamId: team.id, action: 'webhook_delivery.list' } });
    expect(listed).toMatchObject({ targetType: 'webhook_delivery', outcome: 'success', status: 200, actorId: owner.id });
    const page2 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/teams/${team.slug}/webhook-deliveries?limit=2&cursor=${page1.json().next_cursor}`,
      headers,
    });
    expect(page2.json()).toEqual({ data: [expect.objectContaining({ id: ids[0], status: 'succeeded' })], next_cursor: null });

    const failed = await t.app.inject({ method: 'GET', url: `/api/v1/webhook-deliveries?status=failed`, headers });
    expect(failed.json().data.map((d: { id: string }) => d.id)).toEqual([ids[2]]);

    const bad = await t.app.inject({ method: 'GET', url: `/api/v1/teams/${team.slug}/webhook-deliveries?status=lost&limit=0`, headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(
      bad
        .json()
        .error.details.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['limit', 'status']);
    const badCursor = await t.app.inject({ method: 'GET', url: `/api/v1/teams/${team.slug}/webhook-deliveries?cursor=zzz`, headers });
    expect(badCursor.statusCode).toBe(400);
    rx.answer([{ status: 200 }]);
  });

  it('a failed delivery retried by hand is sent again with the same webhook-id, and the retry is audited', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    rx.answer(({ path, count }) => ({ status: path === '/manual' && count === 0 ? 503 : 200 }));
    const id = await enqueue(t, team, '/manual');
    expect(await settled(id)).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 503 });

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/teams/${team.slug}/webhook-deliveries/${id}/retry`,
      headers: { 'x-mantis-token': owner.key },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      id,
      status: 'pending',
      attempts: 0,
      last_status_code: 503,
      next_attempt_at: expect.stringMatching(/^\d{4}-.*Z$/),
      created_at: expect.stringMatching(/Z$/),
    });
    expect(await settled(id)).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    expect(rx.to('/manual').map((r) => [r.status, r.headers['webhook-id']])).toEqual([
      [503, id],
      [200, id],
    ]);
    const audit = await eventually(() =>
      t.prisma.auditEvent.findFirst({ where: { teamId: team.id, action: 'webhook_delivery.retry' } }).then((a) => a ?? undefined),
    );
    expect(audit).toMatchObject({ targetType: 'webhook_delivery', targetId: id, outcome: 'success', status: 202 });
    rx.answer([{ status: 200 }]);
  });

  it("answers 404 for another team's delivery and for an unknown one, 400 for a malformed id, and changes nothing", async () => {
    const team = await createTeam(t.prisma);
    const other = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const foreign = await enqueue(t, other, '/foreign');
    await settled(foreign);
    const before = await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: foreign } });
    const headers = { 'x-mantis-token': owner.key };
    for (const url of [`/api/v1/teams/${team.slug}/webhook-deliveries/${foreign}/retry`, `/api/v1/webhook-deliveries/msg_doesnotexist/retry`]) {
      const res = await t.app.inject({ method: 'POST', url, headers });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const malformed = await t.app.inject({ method: 'POST', url: `/api/v1/webhook-deliveries/nope/retry`, headers });
    expect(malformed.statusCode).toBe(400);
    expect(await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: foreign } })).toEqual(before);
  });

  it('refuses a manual retry while an attempt is in flight (409)', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const id = await enqueue(t, team, '/inflight');
    await settled(id);
    await t.prisma.webhookDelivery.update({ where: { id }, data: { status: 'pending', leaseExpiresAt: new Date(Date.now() + 60_000) } });
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/webhook-deliveries/${id}/retry`, headers: { 'x-mantis-token': owner.key } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
  });
});
