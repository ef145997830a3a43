import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** Team settings the chat facade needs, and its usage rows; team id first. */
@Injectable()
export class ChatRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async anthropicSecretName(teamId: string): Promise<string> {
    const team = await this.prisma.withTeam(teamId, () => this.prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { anthropicSecretName: true } }));
    return team.anthropicSecretName;
  }

  /**
   * Reserves a call's worst case, admitted under the same per-team advisory
   * lock and the same budget query (mantis_budget_usage) as runs, so parallel
   * calls and runs cannot together pass the budget. False when refused.
   */
  async reserve(teamId: string, row: { id: string; model: string; stream: boolean; createdByKeyId?: string; worstUsd: number }): Promise<boolean> {
    const [, inserted] = await this.prisma.withTeam(teamId, () =>
      this.prisma.$transaction(
        [
          this.prisma.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${teamId}, 7))) l`,
          this.prisma.$queryRaw<{ id: string }[]>`
          INSERT INTO chat_completions (id, team_id, model, stream, created_by_key_id, reserved_usd)
          SELECT ${row.id}, t.id, ${row.model}, ${row.stream}, ${row.createdByKeyId ?? null}::uuid, ${row.worstUsd}::float8
            FROM teams t
           WHERE t.id = ${teamId}::uuid
             AND (t.monthly_budget_usd IS NULL
                  OR (SELECT spent + reserved FROM mantis_budget_usage(t.id)) + ${row.worstUsd}::float8 <= t.monthly_budget_usd + 1e-9)
          RETURNING id`,
        ],
        { maxWait: 15_000, timeout: 15_000 },
      ),
    );
    return (inserted as unknown[]).length === 1;
  }

  /** The month's budget, spent and reserved (for a refusal's message). */
  async budgetUsage(teamId: string): Promise<{ budget: number | null; spent: number; reserved: number }> {
    const [row] = await this.prisma.withTeam(
      teamId,
      () => this.prisma.$queryRaw<{ budget: number | null; spent: number; reserved: number }[]>`
      SELECT t.monthly_budget_usd AS budget, u.spent, u.reserved FROM teams t, mantis_budget_usage(t.id) u WHERE t.id = ${teamId}::uuid`,
    );
    return { budget: row?.budget ?? null, spent: Number(row?.spent ?? 0), reserved: Number(row?.reserved ?? 0) };
  }

  /** Replaces the reservation with what the call really used. */
  async settle(teamId: string, id: string, u: { inputTokens: number; outputTokens: number; costUsd: number; model?: string }): Promise<void> {
    await this.prisma.withTeam(teamId, () =>
      this.prisma.chatCompletion.updateMany({
        where: { id, teamId },
        data: { ...u, reservedUsd: 0, settledAt: new Date() },
      }),
    );
  }
}
