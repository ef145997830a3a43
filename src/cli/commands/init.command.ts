import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { generateApiKey } from '../../platform/auth/api-key-format.js';
import { prepareDatabase } from '../../platform/database/prepare-database.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { appendAuditEvent, systemEvent } from '../../modules/audit/audit.repository.js';

export interface InitResult {
  created: boolean;
  email?: string;
  key?: string;
}

/**
 * Applies migrations, creates the team `default` and, when there is no admin
 * yet, an admin user with a new API key. Running it again changes nothing.
 */
export async function runInit(config: AppConfig, logger: Logger, adminEmail = 'admin@mantis.local'): Promise<InitResult> {
  const { databaseUrl, embedded } = await prepareDatabase(config, logger, { migrate: true, command: 'init' });
  const prisma = new PrismaService(databaseUrl);
  try {
    return await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(7270001)');
      const team = await tx.team.upsert({ where: { slug: 'default' }, create: { slug: 'default', name: 'Default' }, update: {} });
      if (await tx.user.findFirst({ where: { isAdmin: true } })) return { created: false };
      const email = adminEmail.trim().toLowerCase();
      const user = await tx.user.upsert({
        where: { email },
        create: { email, name: 'Administrator', isAdmin: true },
        update: { isAdmin: true },
      });
      await tx.membership.upsert({
        where: { userId_teamId: { userId: user.id, teamId: team.id } },
        create: { userId: user.id, teamId: team.id, role: 'team_owner' },
        update: {},
      });
      const key = generateApiKey();
      await tx.apiKey.create({ data: { userId: user.id, name: 'init', keyHash: key.hash, prefix: key.prefix, source: 'api' } });
      // No request behind this change: a `system` event, in the same transaction.
      await appendAuditEvent(
        tx,
        systemEvent({
          team: null,
          action: 'system.init',
          target: { type: 'user', id: email },
          details: { admin: true, key_prefix: key.prefix, team: 'default' },
        }),
      );
      return { created: true, email, key: key.raw };
    });
  } finally {
    await prisma.$disconnect();
    await embedded?.stop();
  }
}
