import { Inject, Injectable } from '@nestjs/common';
import { TeamDirectory, type TeamRef } from '../../platform/auth/team-directory.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** Platform's TeamDirectory port: the team lookups of the request pipeline (team guard, rate limit). */
@Injectable()
export class TeamDirectoryRepository extends TeamDirectory {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {
    super();
  }

  // The pipeline runs before any team transaction opens, and the teams table is the partition itself
  // (no team_id): single statements on the system path, without a transaction.
  bySlug(slug: string): Promise<TeamRef | null> {
    return this.prisma.system(() => this.prisma.team.findUnique({ where: { slug }, select: { id: true, slug: true } }), { transaction: false });
  }

  async rateLimitOf(teamId: string): Promise<{ slug: string; limit: number } | null> {
    const team = await this.prisma.system(() => this.prisma.team.findUnique({ where: { id: teamId }, select: { rateLimitPerMinute: true, slug: true } }), {
      transaction: false,
    });
    return team ? { slug: team.slug, limit: team.rateLimitPerMinute } : null;
  }
}
