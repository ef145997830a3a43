import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** Team settings the chat facade needs, and its usage rows; team id first. */
@Injectable()
export class ChatRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async anthropicSecretName(teamId: string): Promise<string> {
    const team = await this.prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { anthropicSecretName: true } });
    return team.anthropicSecretName;
  }

  /** The team's monthly budget and what counts against it this month (runs finished or reserved, chat calls). */
  async budgetState(teamId: string, monthStart: Date): Promise<{ budget: number | null; committed: number }> {
    const team = await this.prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { monthlyBudgetUsd: true } });
    if (team.monthlyBudgetUsd === null) return { budget: null, committed: 0 };
    const rows = await this.prisma.$queryRaw<{ committed: number | null }[]>`
      SELECT
        (SELECT COALESCE(SUM(cost_usd), 0) FROM runs WHERE team_id = ${teamId}::uuid AND finished_at >= ${monthStart})
        + (SELECT COALESCE(SUM(reserved_usd), 0) FROM runs WHERE team_id = ${teamId}::uuid AND status IN ('queued', 'running'))
        + (SELECT COALESCE(SUM(cost_usd), 0) FROM chat_completions WHERE team_id = ${teamId}::uuid AND created_at >= ${monthStart}) AS committed`;
    return { budget: team.monthlyBudgetUsd, committed: Number(rows[0]?.committed ?? 0) };
  }

  async record(
    teamId: string,
    row: { id: string; model: string; inputTokens: number; outputTokens: number; costUsd: number; stream: boolean; createdByKeyId?: string },
  ): Promise<void> {
    await this.prisma.chatCompletion.create({ data: { teamId, ...row } });
  }
}
