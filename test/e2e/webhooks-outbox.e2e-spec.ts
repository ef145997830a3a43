import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunCompletionNotifier } from '../../src/modules/webhooks/run-completion.port.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam } from '../support/factories.js';

const runObject = (id: string) => ({ run_id: id, status: 'succeeded', tenant_id: 'x', error: null });

describe('webhook outbox (RunCompletionNotifier)', () => {
  let t: TestApp;
  let notifier: RunCompletionNotifier;
  let prisma: PrismaService;
  beforeAll(async () => {
    t = await buildTestApp();
    notifier = t.app.get(RunCompletionNotifier);
    prisma = t.app.get(PrismaService);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes one delivery to the callback_url in the caller transaction, with a stable msg_ id and the run.completed body', async () => {
    const team = await createTeam(t.prisma, { webhookUrl: 'https://team.example.com/hook' });
    await prisma.$transaction((tx) => notifier.enqueue(tx, team.id, runObject('run_a'), 'https://cb.example.com/x'));
    const rows = await t.prisma.webhookDelivery.findMany({ where: { teamId: team.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ url: 'https://cb.example.com/x', status: 'pending', attempts: 0, runId: 'run_a', eventType: 'run.completed' });
    expect(rows[0].id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
    const payload = rows[0].payload as Record<string, unknown>;
    expect(payload).toEqual({ type: 'run.completed', timestamp: expect.any(String), data: runObject('run_a') });
    expect(new Date(payload.timestamp as string).toISOString()).toBe(payload.timestamp);
  });

  it("falls back to the team's webhook_url, and writes nothing when neither is set", async () => {
    const withUrl = await createTeam(t.prisma, { webhookUrl: 'https://team.example.com/hook' });
    const without = await createTeam(t.prisma);
    await prisma.$transaction(async (tx) => {
      await notifier.enqueue(tx, withUrl.id, runObject('run_b'), null);
      await notifier.enqueue(tx, without.id, runObject('run_c'), null);
    });
    expect((await t.prisma.webhookDelivery.findMany({ where: { teamId: withUrl.id } })).map((r) => r.url)).toEqual(['https://team.example.com/hook']);
    expect(await t.prisma.webhookDelivery.count({ where: { teamId: without.id } })).toBe(0);
  });

  it('a rolled-back transaction leaves no delivery behind', async () => {
    const team = await createTeam(t.prisma, { webhookUrl: 'https://team.example.com/hook' });
    await expect(
      prisma.$transaction(async (tx) => {
        await notifier.enqueue(tx, team.id, runObject('run_d'), null);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await t.prisma.webhookDelivery.count({ where: { teamId: team.id } })).toBe(0);
  });
});
