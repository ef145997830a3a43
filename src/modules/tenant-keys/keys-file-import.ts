import type { PrismaService, Tx } from '../../platform/database/prisma.service.js';
import { appendAuditEvent, systemEvent } from '../audit/audit.repository.js';
import type { KeysFileEntry } from './keys-file.schema.js';
import type { ImportSummary, TenantKeysRepository } from './tenant-keys.repository.js';

/** Who asked for the import: the server watching the file, or `mantis keys import`. */
export type ImportOrigin = 'keys_file' | 'cli';

interface FileKey {
  keyHash: string;
  prefix: string;
  teamId: string | null;
}

const activeFileKeys = (tx: Tx): Promise<FileKey[]> =>
  tx.apiKey.findMany({ where: { source: 'keys_file', revokedAt: null }, select: { keyHash: true, prefix: true, teamId: true } });

/**
 * One keys-file import through the system path (it spans teams), with a
 * `system` actor event in each affected team's chain for every token added
 * or revoked, in the import's own transaction: no change without its event.
 * Events name a token by its public prefix (`tt_` + 6 hex of its hash), never the token.
 */
export function importKeysFileEntries(
  prisma: PrismaService,
  repo: TenantKeysRepository,
  entries: KeysFileEntry[],
  origin: ImportOrigin,
): Promise<ImportSummary> {
  return prisma.system(
    async (tx) => {
      const before = await activeFileKeys(tx);
      const summary = await repo.importEntries(entries); // joins this transaction
      const after = await activeFileKeys(tx);
      const had = new Set(before.map((k) => k.keyHash));
      const has = new Set(after.map((k) => k.keyHash));
      const changes = [
        ...after.filter((k) => !had.has(k.keyHash)).map((k) => ({ k, action: 'api_key.import' })),
        ...before.filter((k) => !has.has(k.keyHash)).map((k) => ({ k, action: 'api_key.revoke' })),
      ];
      const teams = new Map(
        (
          await tx.team.findMany({ where: { id: { in: changes.map((c) => c.k.teamId).filter((t): t is string => !!t) } }, select: { id: true, slug: true } })
        ).map((t) => [t.id, t]),
      );
      for (const { k, action } of changes) {
        const team = k.teamId ? (teams.get(k.teamId) ?? null) : null;
        await appendAuditEvent(tx, systemEvent({ team, action, target: { type: 'api_key', id: k.prefix }, details: { source: 'keys_file', origin } }));
      }
      return summary;
    },
    { timeout: 60_000 },
  );
}
