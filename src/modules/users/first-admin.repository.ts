import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { appendAuditEvent, systemEvent } from '../audit/audit.repository.js';

/** Serialises `mantis init` runs against one database. */
const INIT_LOCK = 7270001;

/** What `mantis init` writes: team `default`, the first admin, its first key and the event saying so. */
@Injectable()
export class FirstAdminRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /**
   * Team `default` and, when there is no admin yet, the admin `email` (a
   * team_owner of `default`) holding the key, with a `system.init` event: one
   * transaction, so there is no change without its event. False when an
   * admin already existed (then only the team is ensured).
   */
  ensure(email: string, key: { hash: string; prefix: string }): Promise<boolean> {
    return this.prisma.system(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${INIT_LOCK})`);
      const team = await tx.team.upsert({ where: { slug: 'default' }, create: { slug: 'default', name: 'Default' }, update: {} });
      if (await tx.user.findFirst({ where: { isAdmin: true } })) return false;
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
      await tx.apiKey.create({ data: { userId: user.id, name: 'init', keyHash: key.hash, prefix: key.prefix, source: 'api' } });
      // No request behind this change: a `system` event.
      await appendAuditEvent(
        tx,
        systemEvent({
          team: null,
          action: 'system.init',
          target: { type: 'user', id: email },
          details: { admin: true, key_prefix: key.prefix, team: 'default' },
        }),
      );
      return true;
    });
  }
}
