import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { FirstAdminRepository } from '../../modules/users/first-admin.repository.js';
import { FirstAdminService, type FirstAdminResult } from '../../modules/users/first-admin.service.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { prepareDatabase } from '../../platform/database/prepare-database.js';

export type InitResult = FirstAdminResult;

/**
 * Applies migrations, creates the team `default` and, when there is no admin
 * yet, an admin user with a new API key. Running it again changes nothing.
 */
export async function runInit(config: AppConfig, logger: Logger, adminEmail = 'admin@mantis.local'): Promise<InitResult> {
  const { databaseUrl, embedded } = await prepareDatabase(config, logger, { migrate: true, command: 'init' });
  const prisma = new PrismaService(databaseUrl);
  try {
    return await new FirstAdminService(new FirstAdminRepository(prisma)).ensure(adminEmail);
  } finally {
    await prisma.$disconnect();
    await embedded?.stop();
  }
}
