import { Module } from '@nestjs/common';
import { SingleTenantService } from './single-tenant.service.js';
import { TenantKeysRepository } from './tenant-keys.repository.js';
import { TenantKeysService } from './tenant-keys.service.js';

/** The tenant keys file (import and watch) and the single-tenant token. */
@Module({
  providers: [TenantKeysRepository, TenantKeysService, SingleTenantService],
  exports: [TenantKeysService, SingleTenantService],
})
export class TenantKeysModule {}
