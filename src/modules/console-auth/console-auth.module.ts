import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { ConsoleAuthController } from './console-auth.controller.js';
import { OidcLoginService } from './oidc-login.service.js';
import { SessionsModule } from '../sessions/sessions.module.js';

/** The console's sign-in routes under /auth: SSO, API-key sign-in, the session and logout. */
@Module({
  imports: [SessionsModule, ApiKeysModule, IdentityModule, AuditModule],
  controllers: [ConsoleAuthController],
  providers: [OidcLoginService],
})
export class ConsoleAuthModule {}
