import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** Reads the runs table for usage; never writes. */
@Injectable()
export class UsageRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async budget(teamId: string): Promise<number | null> {
    const t = await this.prisma.withTeam(teamId, () => this.prisma.team.findUnique({ where: { id: teamId }, select: { monthlyBudgetUsd: true } }));
    return t?.monthlyBudgetUsd ?? null;
  }

  /** This UTC month's spent and reserved, runs and chat calls, as budget admission counts them. */
  async month(teamId: string): Promise<{ spent: number; reserved: number }> {
    const rows = await this.prisma.withTeam(
      teamId,
      () => this.prisma.$queryRaw<{ spent: number; reserved: number }[]>`SELECT spent, reserved FROM mantis_budget_usage(${teamId}::uuid)`,
    );
    return { spent: Number(rows[0]?.spent ?? 0), reserved: Number(rows[0]?.reserved ?? 0) };
  }

  /** Runs created per UTC day in [since, until), with their cost plus that day's chat completion cost. */
  async days(teamId: string, since: Date, until: Date): Promise<{ date: string; runs: number; cost_usd: number }[]> {
    const rows = await this.prisma.withTeam(
      teamId,
      () => this.prisma.$queryRaw<{ date: string; runs: bigint | number; cost: number | null }[]>`
      SELECT date, SUM(runs) AS runs, COALESCE(SUM(cost), 0) AS cost FROM (
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, 1 AS runs, cost_usd AS cost
        FROM runs WHERE team_id = ${teamId}::uuid AND created_at >= ${since} AND created_at < ${until}
        UNION ALL
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 0, cost_usd
        FROM chat_completions WHERE team_id = ${teamId}::uuid AND created_at >= ${since} AND created_at < ${until}
      ) AS u
      GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((r) => ({ date: r.date, runs: Number(r.runs), cost_usd: Number(r.cost ?? 0) }));
  }
}
