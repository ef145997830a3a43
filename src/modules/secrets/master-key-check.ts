import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { loadMasterKey, masterKeyFingerprint } from '../../platform/crypto/master-key.js';

export class MasterKeyError extends Error {}

/**
 * Boot-time master key rules. With an external database (DATABASE_URL) the
 * key must come from MANTIS_MASTER_KEY: a key generated beside one process
 * would differ from its neighbours'. The database records the key's
 * fingerprint on first boot; a process with another key stops here rather
 * than failing later on every secret and every signed audit head.
 */
@Injectable()
export class MasterKeyCheck implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.databaseUrl && !this.config.masterKey) {
      throw new MasterKeyError(
        'MANTIS_MASTER_KEY is required when DATABASE_URL is set (base64 of 32 bytes, e.g. `openssl rand -base64 32`), the same value for every API and worker process',
      );
    }
    const ours = masterKeyFingerprint(loadMasterKey(this.config.masterKey, this.config.dataDir));
    const stored = await this.prisma.system(async (tx) => {
      await tx.$executeRaw`INSERT INTO mantis_instance (id, master_key_fingerprint) VALUES (1, ${ours}) ON CONFLICT (id) DO NOTHING`;
      return tx.mantisInstance.findUniqueOrThrow({ where: { id: 1 } });
    });
    if (stored.masterKeyFingerprint !== ours) {
      throw new MasterKeyError(
        `MANTIS_MASTER_KEY does not match the key this database was set up with (fingerprint ${stored.masterKeyFingerprint.slice(0, 12)}…, this process has ${ours.slice(0, 12)}…): ` +
          'secrets and signed audit heads would not verify. Start every process with the original key.',
      );
    }
  }
}
