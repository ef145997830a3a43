import { Global, Module } from '@nestjs/common';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import { PrincipalResolver } from './principal-resolver.js';
import type { Principal } from './principal.js';

class NoCredentialsResolver extends PrincipalResolver {
  async resolve(_req: MantisRequest): Promise<Principal> {
    throw new ApiError('auth_not_configured', 'No credential source is configured');
  }
}

@Global()
@Module({
  providers: [{ provide: PrincipalResolver, useClass: NoCredentialsResolver }],
  exports: [PrincipalResolver],
})
export class AuthModule {}
