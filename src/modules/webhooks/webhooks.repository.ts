import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** A delivery claimed by a sender, with what it needs to sign and count it. */
export interface ClaimedDelivery {
  id: string;
  teamId: string;
  teamSlug: string;
  secretName: string;
  url: string;
  payload: unknown;
  /** This attempt's number; also the fencing token for recording its outcome. */
  attempts: number;
}

export interface DeliveryRow {
  id: string;
  runId: string | null;
  url: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AttemptOutcome {
  status: 'pending' | 'succeeded' | 'failed' | 'refused';
  statusCode: number | null;
  error: string | null;
  nextAttemptAt?: Date;
}

/** The only Prisma user of the webhooks feature. */
@Injectable()
export class WebhooksRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /**
   * Claims up to `limit` due deliveries with FOR UPDATE SKIP LOCKED, so
   * concurrent senders never take the same row, and leases them for
   * `leaseSeconds`: a sender that dies mid-attempt loses its lease and the
   * delivery becomes due again. The attempt is counted at claim time.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    // Senders claim due deliveries of every team.
    const rows = await this.prisma.system(
      () => this.prisma.$queryRaw<
        { id: string; team_id: string; slug: string; webhook_secret_name: string; url: string; payload: unknown; attempts: number }[]
      >`
      WITH due AS (
        SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
          AND (lease_expires_at IS NULL OR lease_expires_at <= now())
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE webhook_deliveries d
      SET lease_expires_at = now() + make_interval(secs => ${leaseSeconds}::double precision),
          attempts = d.attempts + 1, last_attempt_at = now(), updated_at = now()
      FROM due, teams t
      WHERE d.id = due.id AND t.id = d.team_id
      RETURNING d.id, d.team_id::text AS team_id, t.slug, t.webhook_secret_name, d.url, d.payload, d.attempts`,
      // One statement, atomic on its own: no transaction around it (senders poll this).
      { transaction: false },
    );
    return rows.map((r) => ({
      id: r.id,
      teamId: r.team_id,
      teamSlug: r.slug,
      secretName: r.webhook_secret_name,
      url: r.url,
      payload: r.payload,
      attempts: r.attempts,
    }));
  }

  /** Records an attempt's outcome, unless another sender has claimed the row since (stale lease). */
  async recordAttempt(teamId: string, id: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
    const res = await this.prisma.withTeam(teamId, () =>
      this.prisma.webhookDelivery.updateMany({
        where: { teamId, id, attempts: attempt, status: 'pending' },
        data: {
          status: outcome.status,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          leaseExpiresAt: null,
          ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        },
      }),
    );
    return res.count === 1;
  }

  async list(teamId: string, opts: { status?: string; limit: number; after?: { createdAt: Date; id: string } }): Promise<DeliveryRow[]> {
    return this.prisma.withTeam(teamId, () =>
      this.prisma.webhookDelivery.findMany({
        where: {
          teamId,
          ...(opts.status ? { status: opts.status } : {}),
          ...(opts.after ? { OR: [{ createdAt: { lt: opts.after.createdAt } }, { createdAt: opts.after.createdAt, id: { lt: opts.after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: opts.limit,
        select: SELECT,
      }),
    );
  }

  async find(teamId: string, id: string): Promise<DeliveryRow | null> {
    return this.prisma.withTeam(teamId, () => this.prisma.webhookDelivery.findFirst({ where: { teamId, id }, select: SELECT }));
  }

  /**
   * Makes a delivery due now with a fresh retry schedule. Refused while an
   * attempt holds its lease (null), so a retry never races a send in flight.
   */
  async requeue(teamId: string, id: string): Promise<DeliveryRow | null> {
    // RETURNING: the row as this update left it, whatever a sender does with it a moment later.
    const rows = await this.prisma.withTeam(
      teamId,
      () => this.prisma.$queryRaw<DeliveryRow[]>`
      UPDATE webhook_deliveries
      SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_expires_at = NULL, updated_at = now()
      WHERE team_id = ${teamId}::uuid AND id = ${id} AND (lease_expires_at IS NULL OR lease_expires_at <= now())
      RETURNING id, run_id AS "runId", url, event_type AS "eventType", status, attempts, next_attempt_at AS "nextAttemptAt",
        last_attempt_at AS "lastAttemptAt", last_status_code AS "lastStatusCode", last_error AS "lastError",
        lease_expires_at AS "leaseExpiresAt", created_at AS "createdAt", updated_at AS "updatedAt"`,
    );
    return rows[0] ?? null;
  }
}

const SELECT = {
  id: true,
  runId: true,
  url: true,
  eventType: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  lastStatusCode: true,
  lastError: true,
  leaseExpiresAt: true,
  createdAt: true,
  updatedAt: true,
} as const;
