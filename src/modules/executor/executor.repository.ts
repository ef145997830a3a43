import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

export interface ArtifactRow {
  id: string;
  runId: string;
  kind: string;
  name: string;
  path: string;
  contentType: string;
  sizeBytes: number;
  createdAt: Date;
}

/** The executor's only Prisma user: artifact rows, always scoped by team id first. */
@Injectable()
export class ExecutorRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async addArtifact(teamId: string, a: Omit<ArtifactRow, 'id' | 'createdAt'>): Promise<void> {
    await this.prisma.withTeam(teamId, (tx) => tx.artifact.create({ data: { teamId, ...a } }));
  }

  /** Rows of an earlier attempt of the same run, removed before it runs again. */
  async deleteRunArtifacts(teamId: string, runId: string): Promise<void> {
    await this.prisma.withTeam(teamId, (tx) => tx.artifact.deleteMany({ where: { teamId, runId } }));
  }

  async runArtifacts(teamId: string, runId: string): Promise<ArtifactRow[]> {
    return this.prisma.withTeam(teamId, (tx) => tx.artifact.findMany({ where: { teamId, runId }, orderBy: { createdAt: 'asc' } }));
  }

  async runExists(teamId: string, runId: string): Promise<boolean> {
    return (await this.prisma.withTeam(teamId, (tx) => tx.run.count({ where: { teamId, id: runId } }))) > 0;
  }

  /** Artifacts older than `before`, across teams (retention is a global setting), oldest first. */
  async expiredArtifacts(before: Date, limit: number): Promise<(ArtifactRow & { teamId: string; teamSlug: string })[]> {
    // Retention sweeps every team's artifacts: the system path.
    const rows = await this.prisma.system((tx) =>
      tx.artifact.findMany({
        where: { createdAt: { lt: before } },
        orderBy: { createdAt: 'asc' },
        take: limit,
        include: { team: { select: { slug: true } } },
      }),
    );
    return rows.map(({ team, ...r }) => ({ ...r, teamSlug: team.slug }));
  }

  async deleteArtifact(teamId: string, id: string): Promise<void> {
    await this.prisma.withTeam(teamId, (tx) => tx.artifact.deleteMany({ where: { teamId, id } }));
  }
}
