import { Injectable } from '@nestjs/common';
import type { Hook } from '../../generated/prisma/client.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

export type HookRow = Hook & { team: { slug: string } };

/** Inbound hooks. Paths are unique across all teams; team-owned reads take the team id first. */
@Injectable()
export class HooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The one lookup without a team: resolving the path of an incoming POST /hooks/{path}. */
  async byPath(path: string): Promise<HookRow | null> {
    // Hook paths are global; the team is what this lookup finds out.
    return this.prisma.system(() => this.prisma.hook.findUnique({ where: { path }, include: { team: { select: { slug: true } } } }), { transaction: false });
  }

  /** By path, after `afterPath`, at most `take`. */
  async list(teamId: string, take: number, afterPath?: string): Promise<HookRow[]> {
    const where = { teamId, ...(afterPath !== undefined ? { path: { gt: afterPath } } : {}) };
    return this.prisma.withTeam(teamId, () =>
      this.prisma.hook.findMany({ where, orderBy: { path: 'asc' }, take, include: { team: { select: { slug: true } } } }),
    );
  }

  /** Creates or replaces; `null` when the path belongs to another team. */
  async apply(
    teamId: string,
    path: string,
    data: { workflowName: string; auth: string; rateLimitPerMinute: number },
  ): Promise<{ row: HookRow; created: boolean } | null> {
    return this.prisma.withTeam(teamId, () =>
      this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`hook/${path}`}, 13))`;
        const existing = await tx.hook.findUnique({ where: { path } });
        if (existing && existing.teamId !== teamId) return null;
        const include = { team: { select: { slug: true } } } as const;
        if (existing) return { row: await tx.hook.update({ where: { id: existing.id }, data, include }), created: false };
        return { row: await tx.hook.create({ data: { teamId, path, ...data }, include }), created: true };
      }),
    );
  }

  async delete(teamId: string, path: string): Promise<boolean> {
    const { count } = await this.prisma.withTeam(teamId, () => this.prisma.hook.deleteMany({ where: { teamId, path } }));
    return count > 0;
  }
}
