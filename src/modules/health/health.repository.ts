import { Inject, Injectable } from '@nestjs/common';
import { pendingMigrations } from '../../platform/database/migrator.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** The readiness probe's questions to the database. */
@Injectable()
export class HealthRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Throws unless the database answers. */
  async ping(): Promise<void> {
    await this.prisma.$queryRawUnsafe('SELECT 1');
  }

  /** Migrations this build has that the database has not applied. */
  pendingMigrations(): Promise<string[]> {
    return pendingMigrations((sql) => this.prisma.$queryRawUnsafe(sql));
  }
}
