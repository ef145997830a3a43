import { Injectable } from '@nestjs/common';
import type { Hook as HookRecord } from '../../generated/prisma/client.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import type { Hook, HookAuth } from './hook.js';

export type HookRow = Hook;

const withTeamSlug = { team: { select: { slug: true } } } as const;

/** `hooks.auth` holds one of HOOK_AUTH (a CHECK constraint refuses anything else). */
const toHook = (r: HookRecord & { team: { slug: string } }): Hook => ({ ...r, auth: r.auth as HookAuth });

/** Inbound hooks. Paths are unique across all teams; team-owned reads take the team id first. */
@Injectable()
export class HooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The one lookup without a team: resolving the path of an incoming POST /hooks/{path}. */
  async byPath(path: string): Promise<HookRow | null> {
    // Hook paths are global; the team is what this lookup finds out.
    const row = await this.prisma.system(() => this.prisma.hook.findUnique({ where: { path }, include: withTeamSlug }), { transaction: false });
    return row ? toHook(row) : null;
  }

  /** By path, after `afterPath`, at most `take`. */
  async list(teamId: string, take: number, afterPath?: string): Promise<HookRow[]> {
    const where = { teamId, ...(afterPath !== undefined ? { path: { gt: afterPath } } : {}) };
    const rows = await this.prisma.withTeam(teamId, () => this.prisma.hook.findMany({ where, orderBy: { path: 'asc' }, take, include: withTeamSlug }));
    return rows.map(toHook);
  }

  /** Creates or replaces; `null` when the path belongs to another team. */
  async apply(
    teamId: string,
    path: string,
    data: { workflowName: string; auth: HookAuth; rateLimitPerMinute: number },
  ): Promise<{ row: HookRow; created: boolean } | null> {
    return this.prisma.withTeam(teamId, () =>
      this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`hook/${path}`}, 13))`;
        const existing = await tx.hook.findUnique({ where: { path } });
        if (existing && existing.teamId !== teamId) return null;
        if (existing) return { row: toHook(await tx.hook.update({ where: { id: existing.id }, data, include: withTeamSlug })), created: false };
        return { row: toHook(await tx.hook.create({ data: { teamId, path, ...data }, include: withTeamSlug })), created: true };
      }),
    );
  }

  async delete(teamId: string, path: string): Promise<boolean> {
    const { count } = await this.prisma.withTeam(teamId, () => this.prisma.hook.deleteMany({ where: { teamId, path } }));
    return count > 0;
  }
}
