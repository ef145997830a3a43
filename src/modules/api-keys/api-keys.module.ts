import { Module } from '@nestjs/common';
import { ApiKeyCache } from './api-key-cache.js';
import { ApiKeyLookup } from './api-key-lookup.service.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthChangeListener } from './auth-change.listener.js';

/** API keys: the service other features use to manage keys, and the cached lookup used by authentication. */
@Module({
  providers: [ApiKeysRepository, ApiKeyCache, ApiKeyLookup, ApiKeysService, AuthChangeListener],
  exports: [ApiKeysService, ApiKeyLookup, ApiKeyCache, ApiKeysRepository],
})
export class ApiKeysModule {}
