import { Inject, Injectable } from '@nestjs/common';
import { TeamDirectory, type TeamRef } from '../../platform/auth/team-directory.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** Platform's TeamDirectory port: the team lookups of the request pipeline (team guard, rate limit). */
@Injectable()
export class TeamDirectoryRepository extends TeamDirectory {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {
    super();
  }

  bySlug(slug: string): Promise<TeamRef | null> {
    return this.prisma.team.findUnique({ where: { slug }, select: { id: true, slug: true } });
  }

  async rateLimitOf(teamId: string): Promise<{ slug: string; limit: number } | null> {
    const team = await this.prisma.team.findUnique({ where: { id: teamId }, select: { rateLimitPerMinute: true, slug: true } });
    return team ? { slug: team.slug, limit: team.rateLimitPerMinute } : null;
  }
}
