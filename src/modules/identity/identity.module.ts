import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TenantKeysModule } from '../tenant-keys/tenant-keys.module.js';
import { CredentialsResolver } from './credentials.resolver.js';
import { OidcVerifier } from './oidc-verifier.js';
import { PreauthLimiter } from './preauth-limiter.js';
import { PrincipalFreshness } from '../../platform/auth/principal-freshness.js';
import { PrincipalResolver } from '../../platform/auth/principal-resolver.js';

/**
 * Identity: turns credentials (mk_ keys, tenant tokens, the single-tenant
 * token, OIDC JWTs, console sessions) into a Principal and provides
 * platform's PrincipalResolver port, which the AuthGuard (registered by
 * AppModule, which imports this module) uses.
 */
@Module({
  imports: [ApiKeysModule, TenantKeysModule, SessionsModule],
  providers: [OidcVerifier, PreauthLimiter, { provide: PrincipalResolver, useClass: CredentialsResolver }, PrincipalFreshness],
  exports: [PrincipalResolver, PrincipalFreshness, OidcVerifier],
})
export class IdentityModule {}
