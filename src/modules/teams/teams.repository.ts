import { Inject, Injectable } from '@nestjs/common';
import type { Team as TeamRecord } from '../../generated/prisma/client.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { mapWriteErrors } from '../../platform/database/repository-errors.js';
import type { Team, TeamChanges, TeamSource } from './team.js';

/** `teams.source` holds one of TEAM_SOURCES (a CHECK constraint refuses anything else). */
const toTeam = (r: TeamRecord): Team => ({ ...r, source: r.source as TeamSource });

@Injectable()
export class TeamsRepository {
  // System path throughout: a team row is the partition itself (no team_id), and admins list and delete across teams.
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Throws `UniqueViolation` when the slug is taken. */
  async create(slug: string, name: string, changes: TeamChanges): Promise<Team> {
    return toTeam(await mapWriteErrors(this.prisma.system(() => this.prisma.team.create({ data: { ...changes, name, slug } }), { transaction: false })));
  }

  /** Teams by slug, after `afterSlug`, at most `take`. */
  async list(teamIds: string[] | undefined, take: number, afterSlug?: string): Promise<Team[]> {
    const where = { ...(teamIds ? { id: { in: teamIds } } : {}), ...(afterSlug !== undefined ? { slug: { gt: afterSlug } } : {}) };
    const rows = await this.prisma.system(() => this.prisma.team.findMany({ where, orderBy: { slug: 'asc' }, take }), { transaction: false });
    return rows.map(toTeam);
  }

  async get(teamId: string): Promise<Team | null> {
    const row = await this.prisma.system(() => this.prisma.team.findUnique({ where: { id: teamId } }), { transaction: false });
    return row ? toTeam(row) : null;
  }

  /** Throws `RecordNotFound` when the team is gone. */
  async update(teamId: string, changes: TeamChanges): Promise<Team> {
    return toTeam(await mapWriteErrors(this.prisma.system(() => this.prisma.team.update({ where: { id: teamId }, data: changes }), { transaction: false })));
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

  /** Deletes the team (its rows cascade) and its own service accounts; `RecordNotFound` when it is gone. */
  async delete(teamId: string, serviceAccountIds: string[]): Promise<void> {
    await mapWriteErrors(
      this.prisma.system(() =>
        this.prisma.$transaction([
          this.prisma.user.deleteMany({ where: { id: { in: serviceAccountIds }, kind: 'service' } }),
          this.prisma.team.delete({ where: { id: teamId } }),
        ]),
      ),
    );
  }
}
