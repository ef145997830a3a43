import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { TenantKeysRepository, type ImportSummary } from '../../modules/tenant-keys/tenant-keys.repository.js';
import { importKeysFileEntries } from '../../modules/tenant-keys/keys-file-import.js';
import { KeysFileError, parseKeysFile } from '../../modules/tenant-keys/keys-file.schema.js';
import { readKeysFile } from '../../modules/tenant-keys/tenant-keys.service.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { prepareDatabase } from '../../platform/database/prepare-database.js';

/**
 * `mantis keys import FILE`: the keys-file import the server does on change,
 * once, against the database directly. A malformed file changes nothing.
 */
export async function runKeysImport(config: AppConfig, logger: Logger, path: string): Promise<ImportSummary> {
  const read = await readKeysFile(path);
  if ('error' in read) throw new KeysFileError(read.error);
  const entries = parseKeysFile(read.text);
  const { databaseUrl, embedded } = await prepareDatabase(config, logger, { command: 'keys import' });
  const prisma = new PrismaService(databaseUrl);
  try {
    return await importKeysFileEntries(prisma, new TenantKeysRepository(prisma), entries, 'cli');
  } finally {
    await prisma.$disconnect();
    await embedded?.stop();
  }
}

export function registerKeysCommands(program: Command, deps: { config: () => AppConfig; logger: (c: AppConfig) => Logger }): void {
  const keys = program.command('keys').description('tenant keys file');
  keys
    .command('import')
    .description('import a tenant keys file into the database once (tokens are stored hashed)')
    .argument('<file>', 'keys file (JSON or YAML with a tenant_keys map)')
    .action(async (file: string) => {
      const config = deps.config();
      try {
        const s = await runKeysImport(config, deps.logger(config), file);
        process.stdout.write(`Imported ${s.active} token(s) for ${s.teams} team(s); revoked ${s.revoked} token(s) no longer in the file.\n`);
      } catch (e) {
        if (!(e instanceof KeysFileError)) throw e;
        process.stderr.write(`mantis: keys file rejected: ${e.message}; nothing changed\n`);
        process.exitCode = 1;
      }
    });
}
