import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import type { Workflow } from './workflow.js';

/** Workflow definitions; every method takes the team id first. */
@Injectable()
export class WorkflowsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(teamId: string, name: string): Promise<Workflow | null> {
    return this.prisma.withTeam(teamId, () => this.prisma.workflow.findUnique({ where: { teamId_name: { teamId, name } } }));
  }

  /** By name, after `afterName`, at most `take`. */
  async list(teamId: string, take: number, afterName?: string): Promise<Workflow[]> {
    const where = { teamId, ...(afterName !== undefined ? { name: { gt: afterName } } : {}) };
    return this.prisma.withTeam(teamId, () => this.prisma.workflow.findMany({ where, orderBy: { name: 'asc' }, take }));
  }

  /**
   * Creates or replaces under a row lock so two concurrent applies cannot both
   * think they created version 1. An identical definition keeps its version.
   */
  async apply(teamId: string, name: string, def: { plan: unknown; description: string; digest: string }): Promise<{ row: Workflow; created: boolean }> {
    return this.prisma.withTeam(teamId, () =>
      this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${teamId}/${name}`}, 11))`;
        const existing = await tx.workflow.findUnique({ where: { teamId_name: { teamId, name } } });
        if (!existing) {
          const row = await tx.workflow.create({
            data: { teamId, name, plan: def.plan as Prisma.InputJsonValue, description: def.description, digest: def.digest, version: 1 },
          });
          return { row, created: true };
        }
        if (existing.digest === def.digest) return { row: existing, created: false };
        const row = await tx.workflow.update({
          where: { id: existing.id },
          data: { plan: def.plan as Prisma.InputJsonValue, description: def.description, digest: def.digest, version: existing.version + 1 },
        });
        return { row, created: false };
      }),
    );
  }

  async delete(teamId: string, name: string): Promise<boolean> {
    const { count } = await this.prisma.withTeam(teamId, () => this.prisma.workflow.deleteMany({ where: { teamId, name } }));
    return count > 0;
  }
}
