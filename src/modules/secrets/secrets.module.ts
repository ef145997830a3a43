import { Module } from '@nestjs/common';
import { MasterKeyCheck } from './master-key-check.js';
import { SystemSettingsRepository } from './master-key-verify.js';
import { SecretResolver } from './secret-resolver.port.js';
import { SecretsController } from './secrets.controller.js';
import { SecretsRepository } from './secrets.repository.js';
import { SecretsService } from './secrets.service.js';
import { VaultSecretResolver } from './vault-secret-resolver.js';
import { VaultService } from './vault.service.js';

/** The per-team vault, the SecretResolver used by the executor, chat and webhook signing, and the master-key records readiness checks. */
@Module({
  controllers: [SecretsController],
  providers: [
    MasterKeyCheck,
    SystemSettingsRepository,
    SecretsRepository,
    VaultService,
    SecretsService,
    VaultSecretResolver,
    { provide: SecretResolver, useExisting: VaultSecretResolver },
  ],
  exports: [SecretResolver, VaultService, SystemSettingsRepository],
})
export class SecretsModule {}
