import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, Team } from '../../generated/prisma/client.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

export type TeamRow = Team;

@Injectable()
export class TeamsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  create(data: Prisma.TeamCreateInput): Promise<TeamRow> {
    return this.prisma.team.create({ data });
  }

  list(teamIds?: string[]): Promise<TeamRow[]> {
    return this.prisma.team.findMany({ where: teamIds ? { id: { in: teamIds } } : {}, orderBy: { slug: 'asc' } });
  }

  get(teamId: string): Promise<TeamRow | null> {
    return this.prisma.team.findUnique({ where: { id: teamId } });
  }

  update(teamId: string, data: Prisma.TeamUpdateInput): Promise<TeamRow> {
    return this.prisma.team.update({ where: { id: teamId }, data });
  }

  /** Service accounts living only in this team (they go with it). */
  async serviceAccountIds(teamId: string): Promise<string[]> {
    const rows = await this.prisma.user.findMany({
      where: { kind: 'service', memberships: { some: { teamId }, every: { teamId } } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** Deletes the team (its rows cascade) and its own service accounts. */
  async delete(teamId: string, serviceAccountIds: string[]): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.user.deleteMany({ where: { id: { in: serviceAccountIds }, kind: 'service' } }),
      this.prisma.team.delete({ where: { id: teamId } }),
    ]);
  }
}
