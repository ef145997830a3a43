import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { checkDestination, type Resolver } from './webhook-destination.js';
import { parseRetryAfter, postPinned } from './webhook-http.js';
import { signatureHeader, WebhookSecretError, WebhookSigner } from './webhook-signer.js';
import { WebhooksRepository, type AttemptOutcome, type ClaimedDelivery } from './webhooks.repository.js';

/** Deliveries claimed per poll; they are sent concurrently. */
const BATCH = 10;
/** Longest wait a receiver's Retry-After may ask for. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

type Verdict = { kind: 'succeeded' | 'retry' | 'failed' | 'refused'; statusCode: number | null; error: string | null; retryAfter?: number | null };

/**
 * The delivery loop of worker processes: claims due deliveries, signs and
 * POSTs each to its pinned, re-validated address, and records the outcome
 * (success; retry per the schedule with jitter and Retry-After; failed when
 * exhausted or answered with a non-retryable status; refused by the SSRF guard).
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Tests substitute DNS here; production uses the system resolver. */
  resolver?: Resolver;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WebhooksRepository) private readonly repo: WebhooksRepository,
    @Inject(WebhookSigner) private readonly signer: WebhookSigner,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.roles.includes('worker')) this.start();
  }

  /** Starts the loop (worker processes do so at bootstrap). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling and waits for attempts in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Stops before the database closes (module destroy precedes application shutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.sendDue();
      } catch (e) {
        this.logger.error({ err: (e as Error).message }, 'webhook sender poll failed');
      }
      if (claimed === 0 && this.running) await this.sleep(this.config.worker.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /**
   * One pass, awaited: claims what is due, sends it and records each outcome;
   * resolves with how many were claimed. Processes without the worker role run
   * no loop, so their tests step the sender with this alone.
   */
  tick(): Promise<number> {
    return this.sendDue();
  }

  /** One poll: claims and sends what is due. Returns how many were claimed. */
  async sendDue(): Promise<number> {
    // Long enough for one attempt (bounded by the timeout) and its bookkeeping;
    // a late write after expiry is fenced off by the attempt count.
    const leaseSeconds = Math.ceil(this.config.webhooks.timeoutMs / 1000) + 10;
    const batch = await this.repo.claimDue(BATCH, leaseSeconds);
    await Promise.allSettled(batch.map((d) => this.deliver(d)));
    return batch.length;
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    let verdict: Verdict;
    try {
      verdict = await this.attempt(d);
    } catch (e) {
      // E.g. the vault could not decrypt the signing secret: retried like a network error.
      this.logger.error({ delivery: d.id, tenant_id: d.teamSlug, err: (e as Error).name }, 'webhook delivery attempt failed unexpectedly');
      verdict = { kind: 'retry', statusCode: null, error: 'internal error while preparing the delivery' };
    }
    const outcome = this.toOutcome(d, verdict);
    const recorded = await this.repo.recordAttempt(d.teamId, d.id, d.attempts, outcome);
    if (!recorded) return;
    const label = outcome.status === 'pending' ? 'retrying' : outcome.status;
    this.metrics.webhookDeliveries.inc({ tenant_id: d.teamSlug, outcome: label });
    this.logger.info(
      { delivery: d.id, tenant_id: d.teamSlug, attempt: d.attempts, outcome: label, status: verdict.statusCode, error: verdict.error },
      'webhook delivery attempt',
    );
  }

  private async attempt(d: ClaimedDelivery): Promise<Verdict> {
    const dest = await checkDestination(d.url, this.config.webhooks.allowPrivate, this.resolver);
    if (!dest.ok) return { kind: dest.retryable ? 'retry' : 'refused', statusCode: null, error: dest.reason };
    const body = canonicalBody(d.payload);
    const timestamp = new Date();
    const headers: Record<string, string> = { 'webhook-id': d.id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)) };
    try {
      const secrets = await this.signer.secretsFor(d.teamId, d.secretName);
      if (secrets.length > 0) headers['webhook-signature'] = signatureHeader(secrets, d.id, timestamp, body);
    } catch (e) {
      if (e instanceof WebhookSecretError) return { kind: 'retry', statusCode: null, error: e.message };
      throw e;
    }
    try {
      const res = await postPinned(dest.url, dest.pinned, headers, body, this.config.webhooks.timeoutMs);
      return classify(res.status, parseRetryAfter(res.retryAfter));
    } catch (e) {
      return { kind: 'retry', statusCode: null, error: networkError(e) };
    }
  }

  private toOutcome(d: ClaimedDelivery, v: Verdict): AttemptOutcome {
    if (v.kind !== 'retry') return { status: v.kind, statusCode: v.statusCode, error: v.error };
    const schedule = this.config.webhooks.retryScheduleSeconds;
    if (d.attempts >= schedule.length) {
      return { status: 'failed', statusCode: v.statusCode, error: `${v.error ?? 'failed'}; retries exhausted after ${d.attempts} attempts` };
    }
    const delay = Math.max(jitter(schedule[d.attempts]), Math.min(v.retryAfter ?? 0, MAX_RETRY_AFTER_SECONDS));
    return { status: 'pending', statusCode: v.statusCode, error: v.error, nextAttemptAt: new Date(Date.now() + delay * 1000) };
  }
}

/** 2xx succeeds; 5xx and 429 are retried; redirects (never followed) and other 4xx fail at once. */
export function classify(status: number, retryAfter: number | null): Verdict {
  if (status >= 200 && status < 300) return { kind: 'succeeded', statusCode: status, error: null };
  if (status >= 500 || status === 429) return { kind: 'retry', statusCode: status, error: `receiver answered ${status}`, retryAfter };
  if (status >= 300 && status < 400)
    return { kind: 'failed', statusCode: status, error: `receiver answered a redirect (${status}); redirects are not followed` };
  return { kind: 'failed', statusCode: status, error: `receiver answered ${status}` };
}

/** ±20 % so retries of many deliveries spread out; zero stays zero. */
function jitter(seconds: number): number {
  return seconds * (0.8 + Math.random() * 0.4);
}

/** The stored body with its top-level keys in the documented order (jsonb reorders keys). */
export function canonicalBody(payload: unknown): string {
  const p = payload as { type?: unknown; timestamp?: unknown; data?: unknown };
  return JSON.stringify({ type: p.type, timestamp: p.timestamp, data: p.data });
}

function networkError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `network error: ${err.code}` : `network error: ${err.message}`;
}
