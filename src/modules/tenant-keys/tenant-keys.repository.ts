import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../../platform/database/prisma.service.js';
import type { KeysFileEntry, TenantSettings } from './keys-file.schema.js';

/** Serialises imports across replicas and the CLI. */
const IMPORT_LOCK = 7270101;

export interface ImportSummary {
  teams: number;
  active: number;
  revoked: number;
}

export interface ServiceIdentity {
  userId: string;
  email: string;
  teamId: string;
  teamSlug: string;
}

const serviceEmail = (label: string, slug: string) => `${label}@${slug}.service.mantis`;

/**
 * Teams, service accounts and `keys_file` keys made from the tenant keys file,
 * and the single-tenant identity. Team ids come from the slugs in the file.
 */
@Injectable()
export class TenantKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Makes the database match the file: one transaction, all or nothing. */
  importEntries(entries: KeysFileEntry[]): Promise<ImportSummary> {
    // The keys file names many teams: system.
    return this.prisma.system(
      async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`);
        const teamIds = new Map<string, string>();
        for (const e of entries) {
          if (!teamIds.has(e.tenantId)) teamIds.set(e.tenantId, await this.upsertTeam(tx, e.tenantId, e.settings));
        }
        for (const e of entries) await this.upsertToken(tx, teamIds.get(e.tenantId)!, e);
        const keep = entries.map((e) => e.hash);
        const removed = await tx.apiKey.findMany({
          where: { source: 'keys_file', revokedAt: null, keyHash: { notIn: keep } },
          select: { userId: true },
        });
        // A removed token takes down every key its service account holds, not only itself.
        const { count } = await tx.apiKey.updateMany({
          where: { revokedAt: null, OR: [{ source: 'keys_file', keyHash: { notIn: keep } }, { userId: { in: removed.map((r) => r.userId) } }] },
          data: { revokedAt: new Date() },
        });
        return { teams: teamIds.size, active: entries.length, revoked: count };
      },
      { timeout: 60_000 },
    );
  }

  private async upsertTeam(tx: Tx, slug: string, s: TenantSettings): Promise<string> {
    const team = await tx.team.upsert({
      where: { slug },
      create: { slug, name: slug, source: 'keys_file', ...s },
      update: s,
      select: { id: true },
    });
    return team.id;
  }

  private async upsertToken(tx: Tx, teamId: string, e: KeysFileEntry): Promise<void> {
    const label = `tenant-token-${e.hash.slice(0, 12)}`;
    const email = serviceEmail(label, e.tenantId);
    const user = await tx.user.upsert({
      where: { email },
      create: { email, name: `Tenant token ${e.hash.slice(0, 6)} (${e.tenantId})`, kind: 'service' },
      update: {},
      select: { id: true },
    });
    await tx.membership.upsert({
      where: { userId_teamId: { userId: user.id, teamId } },
      create: { userId: user.id, teamId, role: 'operator' },
      update: { role: 'operator' },
    });
    const key = { userId: user.id, teamId, name: label, prefix: `tt_${e.hash.slice(0, 6)}`, scopes: e.scopes, source: 'keys_file' };
    await tx.apiKey.upsert({
      where: { keyHash: e.hash },
      create: { ...key, keyHash: e.hash },
      update: { ...key, revokedAt: null, replacedById: null, expiresAt: null },
    });
  }

  /** Team `default` and the service account that MANTIS_API_TOKEN acts as (role operator). */
  ensureSingleTenant(): Promise<ServiceIdentity> {
    // Creates a team and its service account, before any team scope exists: system.
    return this.prisma.system(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`);
      const team = await tx.team.upsert({
        where: { slug: 'default' },
        create: { slug: 'default', name: 'Default', source: 'env' },
        update: {},
        select: { id: true, slug: true },
      });
      const email = serviceEmail('api-token', 'default');
      const user = await tx.user.upsert({
        where: { email },
        create: { email, name: 'MANTIS_API_TOKEN', kind: 'service' },
        update: {},
        select: { id: true },
      });
      await tx.membership.upsert({
        where: { userId_teamId: { userId: user.id, teamId: team.id } },
        create: { userId: user.id, teamId: team.id, role: 'operator' },
        update: { role: 'operator' },
      });
      return { userId: user.id, email, teamId: team.id, teamSlug: team.slug };
    });
  }
}
