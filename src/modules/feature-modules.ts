import type { Type } from '@nestjs/common';
import { IdentityModule } from './identity/identity.module.js';
import { IdempotencyModule } from '../platform/http/idempotency.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ConsoleAuthModule } from './console-auth/console-auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { ExecutorModule } from './executor/executor.module.js';
import { HealthModule } from './health/health.module.js';
import { HooksModule } from './hooks/hooks.module.js';
import { MeModule } from './me/me.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RunsModule } from './runs/runs.module.js';
import { SecretsModule } from './secrets/secrets.module.js';
import { TeamsModule } from './teams/teams.module.js';
import { UsageModule } from './usage/usage.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

/**
 * Every feature module, in one list so app.module.ts stays wiring only.
 * Each feature adds its module here.
 */
export const FEATURE_MODULES: Type[] = [
  IdentityModule,
  MetricsModule,
  AuditModule,
  SecretsModule,
  TeamsModule,
  UsersModule,
  UsageModule,
  WebhooksModule,
  ExecutorModule,
  ChatModule,
  HealthModule,
  MeModule,
  IdempotencyModule,
  RateLimitModule,
  WorkflowsModule,
  RunsModule,
  HooksModule,
  ConsoleAuthModule,
];

/**
 * Guards that run after authentication, team resolution and access checks,
 * in this order (e.g. the team rate limit). Each must be exported by a feature module.
 */
export const PIPELINE_GUARDS: Type[] = [RateLimitGuard];
