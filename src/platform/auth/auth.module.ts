import { Global, Module } from '@nestjs/common';
import { ApiKeysModule } from '../../modules/api-keys/api-keys.module.js';
import { SessionsModule } from '../../modules/sessions/sessions.module.js';
import { TenantKeysModule } from '../../modules/tenant-keys/tenant-keys.module.js';
import { CredentialsResolver } from './credentials.resolver.js';
import { OidcVerifier } from './oidc-verifier.js';
import { PreauthLimiter } from './preauth-limiter.js';
import { PrincipalResolver } from './principal-resolver.js';

@Global()
@Module({
  imports: [ApiKeysModule, TenantKeysModule, SessionsModule],
  providers: [OidcVerifier, PreauthLimiter, { provide: PrincipalResolver, useClass: CredentialsResolver }],
  exports: [PrincipalResolver, OidcVerifier],
})
export class AuthModule {}
