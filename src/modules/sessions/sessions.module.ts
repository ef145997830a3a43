import { Module } from '@nestjs/common';
import { SessionLookup } from './session-lookup.service.js';
import { SessionsRepository } from './sessions.repository.js';

/** Console sessions as a credential, for the credentials resolver and the sign-in routes. */
@Module({
  providers: [SessionsRepository, SessionLookup],
  exports: [SessionLookup, SessionsRepository],
})
export class SessionsModule {}
