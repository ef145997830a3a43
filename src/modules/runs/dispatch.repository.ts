import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../../platform/database/prisma.service.js';
import type { Run } from './run.js';
import { fromColumns, toRun, type RunColumns } from './runs.repository.js';

export interface ClaimedRow {
  run: Run;
  teamSlug: string;
  allowedDomains: string[];
  anthropicSecretName: string;
}

export interface ExpiredLease {
  id: string;
  teamId: string;
  teamSlug: string;
  attempts: number;
  cancelRequested: boolean;
}

/** How far back a team's starts count against it when choosing whose run goes next. */
const FAIRNESS_WINDOW = '60 seconds';

/**
 * The queue side of runs: claims, leases and lost workers. Claims take no
 * team id: the dispatcher serves every team, and fairness between them is the point.
 * A worker's single statements (claim, renewals, cancel and expiry checks)
 * are atomic on their own and run without a transaction around them.
 */
@Injectable()
export class DispatchRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the next queued run with FOR UPDATE SKIP LOCKED. Teams are ordered
   * by their recent starts (running, or started within the window) divided by
   * their weight, ties to the team waiting longest: a weighted round robin in
   * which a team with a flood of queued runs gets its share and no more.
   */
  async claim(workerId: string, leaseSeconds: number): Promise<ClaimedRow | null> {
    // Across every team's queue: the system path. One statement (atomic on its own), so no transaction around it.
    const rows = await this.prisma.system(
      (tx) => tx.$queryRaw<(RunColumns & { team_slug: string; allowed_domains: string[]; anthropic_secret_name: string })[]>`
      WITH waiting AS (
        SELECT team_id, min(created_at) AS oldest FROM runs WHERE status = 'queued' GROUP BY team_id
      ), ranked AS (
        SELECT w.team_id, w.oldest,
               (SELECT count(*) FROM runs a
                 WHERE a.team_id = w.team_id
                   AND (a.status = 'running' OR (a.started_at > now() - ${FAIRNESS_WINDOW}::interval))
               )::float8 / greatest(t.weight, 1) AS load
          FROM waiting w JOIN teams t ON t.id = w.team_id
      ), pick AS (
        SELECT r.id FROM runs r JOIN ranked k ON k.team_id = r.team_id
         WHERE r.status = 'queued'
         ORDER BY k.load, k.oldest, r.created_at, r.id
         LIMIT 1
         FOR UPDATE OF r SKIP LOCKED
      )
      UPDATE runs SET status = 'running', lease_owner = ${workerId},
             lease_expires_at = now() + make_interval(secs => ${leaseSeconds}),
             attempts = runs.attempts + 1, started_at = coalesce(runs.started_at, now()), updated_at = now()
        FROM pick, teams t
       WHERE runs.id = pick.id AND t.id = runs.team_id
      RETURNING runs.*, t.slug AS team_slug, t.allowed_domains, t.anthropic_secret_name`,
      { transaction: false },
    );
    if (rows.length === 0) return null;
    const { team_slug, allowed_domains, anthropic_secret_name, ...run } = rows[0];
    return { run: toRun(fromColumns(run)), teamSlug: team_slug, allowedDomains: allowed_domains, anthropicSecretName: anthropic_secret_name };
  }

  /** Extends the leases this worker holds; returns the ids it still holds. */
  async renew(workerId: string, runIds: string[], leaseSeconds: number): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    // A worker's runs span teams: the system path.
    const rows = await this.prisma.system(
      (tx) => tx.$queryRaw<{ id: string }[]>`
      UPDATE runs SET lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
       WHERE id = ANY(${runIds}::text[]) AND lease_owner = ${workerId} AND status = 'running'
      RETURNING id`,
      { transaction: false },
    );
    return new Set(rows.map((r) => r.id));
  }

  async cancelRequested(workerId: string): Promise<string[]> {
    const rows = await this.prisma.system(
      (tx) => tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM runs WHERE lease_owner = ${workerId} AND status = 'running' AND cancel_requested`,
      { transaction: false },
    );
    return rows.map((r) => r.id);
  }

  /** Puts a run this worker holds back in the queue (graceful shutdown); the attempt does not count. */
  async requeue(teamId: string, runId: string, workerId: string): Promise<void> {
    await this.prisma.withTeam(
      teamId,
      (tx) => tx.$executeRaw`
      UPDATE runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL,
             attempts = greatest(attempts - 1, 0), updated_at = now()
       WHERE id = ${runId} AND team_id = ${teamId}::uuid AND lease_owner = ${workerId} AND status = 'running'`,
    );
  }

  /** Whether any running run's lease ran out: one statement, so the reaper opens its transaction only when there is work. */
  async anyExpired(): Promise<boolean> {
    const rows = await this.prisma.system(
      (tx) => tx.$queryRaw<{ any: boolean }[]>`SELECT EXISTS (SELECT 1 FROM runs WHERE status = 'running' AND lease_expires_at < now()) AS any`,
      { transaction: false },
    );
    return rows[0]?.any === true;
  }

  /** Locks running runs whose lease ran out (their worker died). */
  async lockExpired(tx: Tx, limit: number): Promise<ExpiredLease[]> {
    return tx.$queryRaw<ExpiredLease[]>`
      SELECT r.id, r.team_id::text AS "teamId", t.slug AS "teamSlug", r.attempts, r.cancel_requested AS "cancelRequested"
        FROM runs r JOIN teams t ON t.id = r.team_id
       WHERE r.status = 'running' AND r.lease_expires_at < now()
       ORDER BY r.lease_expires_at
       LIMIT ${limit}
       FOR UPDATE OF r SKIP LOCKED`;
  }

  async requeueLost(tx: Tx, teamId: string, runId: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE id = ${runId} AND team_id = ${teamId}::uuid AND status = 'running'`;
  }

  async inFlightByTeam(): Promise<{ slug: string; n: number }[]> {
    return this.prisma.system(
      (tx) => tx.$queryRaw<{ slug: string; n: number }[]>`
      SELECT t.slug, count(*)::int AS n FROM runs r JOIN teams t ON t.id = r.team_id
       WHERE r.status IN ('queued', 'running') GROUP BY t.slug`,
      { transaction: false },
    );
  }
}
