import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, Team } from '../../generated/prisma/client.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

export type TeamRow = Team;

@Injectable()
export class TeamsRepository {
  // System path throughout: a team row is the partition itself (no team_id), and admins list and delete across teams.
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  create(data: Prisma.TeamCreateInput): Promise<TeamRow> {
    return this.prisma.system(() => this.prisma.team.create({ data }), { transaction: false });
  }

  /** Teams by slug, after `afterSlug`, at most `take`. */
  list(teamIds: string[] | undefined, take: number, afterSlug?: string): Promise<TeamRow[]> {
    const where: Prisma.TeamWhereInput = { ...(teamIds ? { id: { in: teamIds } } : {}), ...(afterSlug !== undefined ? { slug: { gt: afterSlug } } : {}) };
    return this.prisma.system(() => this.prisma.team.findMany({ where, orderBy: { slug: 'asc' }, take }), { transaction: false });
  }

  get(teamId: string): Promise<TeamRow | null> {
    return this.prisma.system(() => this.prisma.team.findUnique({ where: { id: teamId } }), { transaction: false });
  }

  update(teamId: string, data: Prisma.TeamUpdateInput): Promise<TeamRow> {
    return this.prisma.system(() => this.prisma.team.update({ where: { id: teamId }, data }), { transaction: false });
  }

  /** Service accounts living only in this team (they go with it). */
  async serviceAccountIds(teamId: string): Promise<string[]> {
    const rows = await this.prisma.system(
      () =>
        this.prisma.user.findMany({
          where: { kind: 'service', memberships: { some: { teamId }, every: { teamId } } },
          select: { id: true },
        }),
      { transaction: false },
    );
    return rows.map((r) => r.id);
  }

  /** Deletes the team (its rows cascade) and its own service accounts. */
  async delete(teamId: string, serviceAccountIds: string[]): Promise<void> {
    await this.prisma.system(() =>
      this.prisma.$transaction([
        this.prisma.user.deleteMany({ where: { id: { in: serviceAccountIds }, kind: 'service' } }),
        this.prisma.team.delete({ where: { id: teamId } }),
      ]),
    );
  }
}
