import { DynamicModule, Global, Module, type CanActivate, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { AccessGuard } from './platform/auth/access.guard.js';
import { AuthGuard } from './platform/auth/auth.guard.js';
import { GuardChain } from './platform/auth/guard-chain.js';
import { PrincipalFreshness } from './platform/auth/principal-freshness.js';
import { TeamGuard } from './platform/auth/team.guard.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { DATABASE_URL } from './platform/database/database.tokens.js';
import { ErrorFilter } from './platform/http/error.filter.js';
import { LOGGER } from './platform/http/logger.js';
import { RequestEvents } from './platform/http/request-events.js';
import { PROCESS_ROLES, type ProcessRole } from './platform/process-roles.js';
import { FEATURE_MODULES, PIPELINE_GUARDS } from './modules/feature-modules.js';
import { IdentityModule } from './modules/identity/identity.module.js';

export interface AppOptions {
  config: AppConfig;
  logger: Logger;
  databaseUrl: string;
  /** `api` serves HTTP; `worker` runs queued runs and sends webhooks. `npm start` runs both. */
  roles: ProcessRole[];
}

@Global()
@Module({})
class CoreModule {
  static forRoot(opts: AppOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: opts.config },
      { provide: LOGGER, useValue: opts.logger },
      { provide: DATABASE_URL, useValue: opts.databaseUrl },
      { provide: PROCESS_ROLES, useValue: opts.roles },
      RequestEvents,
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}

/**
 * Platform's identity ports (`PrincipalResolver`, `PrincipalFreshness`) for
 * every module: the guards use them, and so does the request interceptor,
 * whose module (audit) the identity module's own imports depend on, so it
 * cannot import identity without a cycle.
 */
@Global()
@Module({ imports: [IdentityModule], exports: [IdentityModule] })
class IdentityPortsModule {}

/**
 * Wiring only. Guard order matters: authenticate, resolve the team, check
 * role and scope, confirm a cached principal, then the pipeline guards (rate
 * limit), run as one chain; the error filter shapes every failure, denials
 * included.
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(opts), DatabaseModule, IdentityPortsModule, ...FEATURE_MODULES],
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        AuthGuard,
        TeamGuard,
        AccessGuard,
        {
          provide: APP_GUARD,
          // A cached principal is confirmed last, once its team and access are known (it checks them again if its grant changed).
          inject: [AuthGuard, TeamGuard, AccessGuard, PrincipalFreshness, ...PIPELINE_GUARDS],
          useFactory: (...guards: CanActivate[]) => new GuardChain(guards),
        },
      ],
    };
  }
}
