import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsService } from '../../src/modules/metrics/metrics.service.js';
import { RunCompletionNotifier } from '../../src/modules/webhooks/run-completion.port.js';
import type { Resolver } from '../../src/modules/webhooks/webhook-destination.js';
import { WebhookSender } from '../../src/modules/webhooks/webhook-sender.js';
import { WebhookUrlValidator } from '../../src/modules/webhooks/webhook-url.validator.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, type TeamFixture } from '../support/factories.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

const REFUSED = [
  ['loopback', 'http://127.0.0.1/hook'],
  ['loopback, other address', 'http://127.8.9.10:8080/hook'],
  ['localhost', 'http://localhost/hook'],
  ['localhost with a trailing dot', 'http://localhost./hook'],
  ['IPv6 loopback', 'http://[::1]/hook'],
  ['10/8', 'http://10.1.2.3/hook'],
  ['172.16/12 low', 'http://172.16.0.1/hook'],
  ['172.16/12 high', 'https://172.31.255.254/hook'],
  ['192.168/16', 'http://192.168.1.1/hook'],
  ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
  ['CGNAT 100.64/10', 'http://100.64.0.1/hook'],
  ['unique-local fd00::1', 'http://[fd00::1]/hook'],
  ['link-local IPv6', 'http://[fe80::1]/hook'],
  ['decimal IPv4', 'http://2130706433/hook'],
  ['hex IPv4', 'http://0x7f000001/hook'],
  ['dotted hex IPv4', 'http://0x7f.0x0.0x0.0x1/hook'],
  ['octal IPv4', 'http://0177.0.0.1/hook'],
  ['short IPv4', 'http://127.1/hook'],
  ['decimal metadata address', 'http://2852039166/hook'],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
  ['IPv4-mapped IPv6 metadata', 'http://[::ffff:169.254.169.254]/hook'],
  ['IPv4-mapped IPv6 private, hex form', 'http://[::ffff:a00:1]/hook'],
  ['NAT64-embedded loopback', 'http://[64:ff9b::7f00:1]/hook'],
  ['6to4-embedded private', 'http://[2002:c0a8:101::1]/hook'],
  ['unspecified IPv4', 'http://0.0.0.0/hook'],
  ['unspecified IPv6', 'http://[::]/hook'],
  ['multicast', 'http://224.0.0.1/hook'],
  ['IPv6 multicast', 'http://[ff02::1]/hook'],
  ['broadcast', 'http://255.255.255.255/hook'],
  ['not http', 'ftp://93.184.216.34/hook'],
  ['file URL', 'file:///etc/passwd'],
  ['credentials in the URL', 'http://user:pass@93.184.216.34/hook'],
  ['not a URL', 'not a url'],
] as const;

const fakeDns =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const addrs = table[host];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('webhook SSRF guard (MANTIS_WEBHOOK_ALLOW_PRIVATE unset)', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  let validator: WebhookUrlValidator;
  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    t = await buildTestApp({ roles: ['api', 'worker'], env: { MANTIS_WORKER_POLL_MS: '50', MANTIS_WEBHOOK_RETRY_SCHEDULE: '0,1' } });
    validator = t.app.get(WebhookUrlValidator);
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it.each(REFUSED)('refuses %s at registration (%s)', async (_label, url) => {
    expect(await validator.problem(url)).toEqual(expect.any(String));
    const err = await validator.assertAllowed(url, 'callback_url').catch((e) => e);
    expect(err).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(err.details.fields[0]).toMatchObject({ field: 'callback_url', in: 'body' });
  });

  it.each([
    ['public IPv4', 'https://93.184.216.34/hook'],
    ['public IPv6', 'https://[2606:4700:4700::1111]/hook'],
    ['unset', ''],
  ])('accepts %s (%s)', async (_label, url) => {
    expect(await validator.problem(url || 'https://93.184.216.34/')).toBeNull();
    await expect(validator.assertAllowed(url, 'webhook_url')).resolves.toBeUndefined();
  });

  it('judges names by every address they resolve to', async () => {
    validator.resolver = fakeDns({ 'public.test': ['93.184.216.34'], 'mixed.test': ['93.184.216.34', '10.0.0.7'], 'inner.test': ['fd12::1'] });
    try {
      expect(await validator.problem('https://public.test/hook')).toBeNull();
      expect(await validator.problem('https://mixed.test/hook')).toMatch(/private/);
      expect(await validator.problem('https://inner.test/hook')).toMatch(/uniqueLocal/);
      // A name that does not resolve yet is accepted; delivery checks again.
      expect(await validator.problem('https://not-yet.test/hook')).toBeNull();
    } finally {
      validator.resolver = undefined;
    }
  });

  async function enqueue(team: TeamFixture, url: string): Promise<string> {
    const runId = `run_${Math.random().toString(36).slice(2)}`;
    await t.app.get(PrismaService).$transaction((tx) => t.app.get(RunCompletionNotifier).enqueue(tx, team.id, { run_id: runId }, url));
    return (await t.prisma.webhookDelivery.findFirstOrThrow({ where: { teamId: team.id, runId } })).id;
  }

  const settled = (id: string) =>
    eventually(async () => {
      const row = await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      return row.status !== 'pending' && row;
    });

  it('refuses a private destination again at delivery: recorded as refused, nothing sent, not retried', async () => {
    const team = await createTeam(t.prisma);
    const id = await enqueue(team, rx.url('/private'));
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'refused', attempts: 1, lastStatusCode: null });
    expect(row.lastError).toMatch(/not public \(loopback\)/);
    // Even once its time would have come, a pass of the sender leaves it alone.
    await t.prisma.webhookDelivery.update({ where: { id }, data: { nextAttemptAt: new Date() } });
    await t.app.get(WebhookSender).tick();
    expect((await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } })).attempts).toBe(1);
    expect(rx.requests).toHaveLength(0);
    const m = await t.app.get(MetricsService).webhookDeliveries.get();
    expect(m.values.find((v) => v.labels.tenant_id === team.slug)).toMatchObject({ labels: { outcome: 'refused' }, value: 1 });
  });

  it('a name that passed at registration but rebinds to a private address is refused at delivery', async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    validator.resolver = rebinding;
    t.app.get(WebhookSender).resolver = rebinding;
    try {
      const url = `http://rebind.test:${rx.port}/rebind`;
      expect(await validator.problem(url)).toBeNull();
      const team = await createTeam(t.prisma);
      const row = await settled(await enqueue(team, url));
      expect(row.status).toBe('refused');
      expect(rx.to('/rebind')).toHaveLength(0);
    } finally {
      validator.resolver = undefined;
      t.app.get(WebhookSender).resolver = undefined;
    }
  });
});

describe('webhook connection pinning (MANTIS_WEBHOOK_ALLOW_PRIVATE=true)', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    t = await buildTestApp({ roles: ['worker'], env: { MANTIS_WORKER_POLL_MS: '50', MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it('accepts private destinations with the override', async () => {
    expect(await t.app.get(WebhookUrlValidator).problem('http://127.0.0.1:9/x')).toBeNull();
  });

  it('connects to the address it checked, not to a second DNS answer', async () => {
    // Only the sender's resolver knows this name; the system resolver does not.
    t.app.get(WebhookSender).resolver = fakeDns({ 'pinned.test': ['127.0.0.1'] });
    const team = await createTeam(t.prisma);
    await t.app
      .get(PrismaService)
      .$transaction((tx) => t.app.get(RunCompletionNotifier).enqueue(tx, team.id, { run_id: 'run_pin' }, `http://pinned.test:${rx.port}/pinned`));
    const [got] = await eventually(() => rx.to('/pinned').length > 0 && rx.to('/pinned'));
    expect(got.headers.host).toBe(`pinned.test:${rx.port}`);
    const row = await eventually(async () => {
      const r = await t.prisma.webhookDelivery.findFirstOrThrow({ where: { teamId: team.id } });
      return r.status === 'succeeded' && r;
    });
    expect(row.attempts).toBe(1);
  });
});
