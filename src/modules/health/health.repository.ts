import { Inject, Injectable } from '@nestjs/common';
import { pendingMigrations } from '../../platform/database/migrator.js';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** The readiness probe's questions to the database. */
@Injectable()
export class HealthRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Throws unless the database answers. */
  async ping(): Promise<void> {
    // Readiness of the database itself, no team's data.
    await this.prisma.system(() => this.prisma.$queryRawUnsafe('SELECT 1'), { transaction: false });
  }

  /** Migrations this build has that the database has not applied. */
  pendingMigrations(): Promise<string[]> {
    // The migrations table: no team's data.
    return pendingMigrations((sql) => this.prisma.system(() => this.prisma.$queryRawUnsafe(sql), { transaction: false }));
  }
}
