import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { WebhookOutbox } from '../../src/modules/webhooks/webhook-outbox.js';
import type { Tx } from '../../src/platform/database/prisma.service.js';
import { createTestDatabase } from '../support/database.js';
import { createTeam } from '../support/factories.js';
import { bootMedium, type MediumApp } from '../support/medium.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';
import { TEST_MASTER_KEY } from '../support/master-key.js';

/**
 * A real worker process (`startMantis` with roles ['worker'], as `mantis worker`
 * runs it) from the TypeScript sources, so a test can SIGKILL it.
 */
const WORKER_SCRIPT = "import { runUntilSignalled } from './src/runtime.js'; await runUntilSignalled({ roles: ['worker'] });";

interface Worker {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function startWorker(env: Record<string, string>): Promise<Worker> {
  return new Promise((resolvePromise, reject) => {
    const args = ['--import', './test/support/ts-loader.mjs', '--input-type=module', '-e', WORKER_SCRIPT];
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker did not start:\n${out}`));
    }, 90_000);
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes('"msg":"mantis worker started"')) {
        clearTimeout(timer);
        resolvePromise({ child, exited, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${out}`));
    });
  });
}

describe('webhook deliveries survive a killed worker process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let m: MediumApp;
  let prisma: PrismaClient;
  let rx: WebhookReceiver;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('webhooks-restart');
    // The services (no worker loops) on the workers' database: the factories and the checks use its client.
    m = await bootMedium({ databaseUrl: db.url });
    prisma = m.prisma;
    rx = await WebhookReceiver.start();
    env = {
      DATABASE_URL: db.url,
      MANTIS_MASTER_KEY: TEST_MASTER_KEY,
      MANTIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'mantis-wh-restart-')),
      MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true',
      MANTIS_WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1,1,1,1,1',
      // Generous, so a loaded machine does not turn a slow 200 into a timeout and a (legitimate) resend.
      MANTIS_WEBHOOK_TIMEOUT_MS: '10000',
      MANTIS_WORKER_POLL_MS: '50',
      MANTIS_LOG_LEVEL: 'info',
    };
  });
  // A failed test must not leave its workers running into the next one.
  afterEach(async () => {
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(alive.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGKILL')))));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await m?.close();
    await rx?.close();
    await db?.drop();
  });

  async function enqueue(teamId: string, n: number, tag: string): Promise<string[]> {
    const outbox = new WebhookOutbox();
    await prisma.$transaction(async (tx) => {
      for (let i = 0; i < n; i++) await outbox.enqueue(tx as unknown as Tx, teamId, { run_id: `run_${tag}_${i}` }, rx.url(`/${tag}/${i}`));
    });
    return (await prisma.webhookDelivery.findMany({ where: { teamId, runId: { startsWith: `run_${tag}_` } } })).map((r) => r.id);
  }

  const row = (id: string) => prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
  const sentTo = (id: string) => rx.requests.filter((r) => r.headers['webhook-id'] === id);

  async function stop(w: Worker): Promise<void> {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await w.exited;
  }

  it('after SIGKILL between attempts, a restarted worker delivers each pending delivery exactly once', { timeout: 120_000 }, async () => {
    const team = await createTeam(prisma);
    rx.answer([{ status: 503 }]);
    const early = await enqueue(team.id, 4, 'early');

    // First attempts fail (503) and the next are an hour away, so none is in flight when the worker dies.
    const first = await startWorker({ ...env, MANTIS_WEBHOOK_RETRY_SCHEDULE: '0,3600' });
    children.push(first.child);
    await eventually(
      async () => {
        const rows = await prisma.webhookDelivery.findMany({ where: { id: { in: early } } });
        return rows.every((r) => r.attempts === 1 && r.leaseExpiresAt === null && r.status === 'pending');
      },
      60_000,
      'first attempts to be recorded',
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    // The hour passes.
    await prisma.webhookDelivery.updateMany({ where: { id: { in: early } }, data: { nextAttemptAt: new Date() } });

    // More arrive while no worker runs.
    const late = await enqueue(team.id, 3, 'late');
    const all = [...early, ...late];
    expect(await prisma.webhookDelivery.count({ where: { id: { in: all }, status: 'pending' } })).toBe(all.length);

    rx.answer([{ status: 200 }]);
    const second = await startWorker(env);
    children.push(second.child);
    await eventually(
      async () => (await prisma.webhookDelivery.count({ where: { id: { in: all }, status: 'succeeded' } })) === all.length,
      60_000,
      'all deliveries to succeed',
    );
    // Nothing further is sent once they have succeeded: stopping waits for attempts in flight, so the receiver has seen all there is.
    await stop(second);
    for (const id of early) {
      expect(
        sentTo(id).map((r) => r.status),
        id,
      ).toEqual([503, 200]);
      expect((await row(id)).attempts).toBe(2);
    }
    for (const id of late) {
      expect(
        sentTo(id).map((r) => r.status),
        id,
      ).toEqual([200]);
      expect((await row(id)).attempts).toBe(1);
    }
  });

  it('a delivery whose worker was killed mid-attempt is sent again by the next worker once the lease lapses', { timeout: 120_000 }, async () => {
    const team = await createTeam(prisma);
    rx.answer(({ path, count }) => (path === '/midflight/0' && count === 0 ? { status: 200, hang: true } : { status: 200 }));
    const [id] = await enqueue(team.id, 1, 'midflight');

    // Lease: the 5 s timeout + 10 s.
    const first = await startWorker({ ...env, MANTIS_WEBHOOK_TIMEOUT_MS: '5000' });
    children.push(first.child);
    await eventually(() => sentTo(id).length === 1, 30_000, 'the hanging attempt');
    first.child.kill('SIGKILL');
    await first.exited;
    const held = await row(id);
    expect(held).toMatchObject({ status: 'pending', attempts: 1 });
    expect(held.leaseExpiresAt).not.toBeNull();

    const second = await startWorker(env);
    children.push(second.child);
    const done = await eventually(
      async () => {
        const r = await row(id);
        return r.status === 'succeeded' && r;
      },
      90_000,
      'the retried delivery',
    );
    expect(done.attempts).toBe(2);
    // The second attempt waited for the first one's lease.
    expect(sentTo(id)[1].at).toBeGreaterThanOrEqual(held.leaseExpiresAt!.getTime() - 1000);
    expect(sentTo(id).map((r) => r.headers['webhook-id'])).toEqual([id, id]);
    await stop(second);
  });
});
