import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { ApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.js';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { createTeamSchema } from '../../src/modules/teams/teams.schemas.js';
import { TeamsService } from '../../src/modules/teams/teams.service.js';
import { TeamMembersService } from '../../src/modules/users/team-members.service.js';
import { createServiceAccountSchema, createUserSchema } from '../../src/modules/users/users.schemas.js';
import { UsersService } from '../../src/modules/users/users.service.js';
import type { Principal, Scope, TeamRole } from '../../src/platform/auth/principal.js';
import { parseWith } from '../../src/platform/http/zod-pipe.js';

const uniq = () => randomBytes(4).toString('hex');

/**
 * Factories create their rows through the app's own services (the same
 * validation, hashing and key rules a request meets), so they need the app
 * behind the Prisma client a test holds. `buildTestApp` and `bootMedium` bind
 * theirs; a client of no app is refused rather than written to behind its back.
 */
const apps = new WeakMap<object, INestApplicationContext>();

export function bindFactories(client: object, app: INestApplicationContext): void {
  apps.set(client, app);
}

function appOf(client: object): INestApplicationContext {
  const app = apps.get(client);
  if (!app) throw new Error('factories: this Prisma client belongs to no test app (use buildTestApp or bootMedium, and pass its prisma)');
  return app;
}

/** The caller the factories act as: a global admin, like the operator who sets up a deployment. */
const SETUP: Principal = {
  kind: 'user',
  userId: '00000000-0000-0000-0000-000000000000',
  email: 'setup@factories.test',
  admin: true,
  memberships: [],
  scopes: ['run', 'status', 'result', 'logs'],
  authMethod: 'api_key',
};

export interface TeamFixture {
  id: string;
  slug: string;
}

export async function createTeam(
  prisma: PrismaClient,
  data: Partial<{
    slug: string;
    name: string;
    rateLimitPerMinute: number;
    maxConcurrentRuns: number;
    allowedDomains: string[];
    monthlyBudgetUsd: number | null;
    maxCostPerRun: number;
    maxTimeMinutesPerRun: number;
    webhookUrl: string;
    webhookSecretName: string;
    weight: number;
  }> = {},
): Promise<TeamFixture> {
  const slug = data.slug ?? `team-${uniq()}`;
  // The body POST /api/v1/teams takes; no rate limit unless asked for, so suites may send many requests.
  const body = parseWith(createTeamSchema, {
    name: data.name ?? slug,
    slug,
    rate_limit_per_minute: data.rateLimitPerMinute ?? 0,
    max_concurrent_runs: data.maxConcurrentRuns,
    allowed_domains: data.allowedDomains,
    monthly_budget_usd: data.monthlyBudgetUsd,
    max_cost_per_run: data.maxCostPerRun,
    max_time_minutes_per_run: data.maxTimeMinutesPerRun,
    webhook_url: data.webhookUrl,
    webhook_secret_name: data.webhookSecretName,
    weight: data.weight,
  });
  const team = await appOf(prisma).get(TeamsService).create(SETUP, body);
  return { id: team.id, slug: team.slug };
}

export interface UserFixture {
  id: string;
  email: string;
  /** A raw mk_ key for this user (all scopes unless limited). */
  key: string;
  keyId: string;
}

/**
 * A user (member of `team` with `role`, or admin) with one API key. Members
 * are added as the admin API does (a service account as its team's service
 * accounts route does); admin is granted through the role assignment.
 */
export async function createUser(
  prisma: PrismaClient,
  opts: {
    team?: TeamFixture;
    role?: TeamRole;
    admin?: boolean;
    email?: string;
    kind?: 'human' | 'service';
    scopes?: Scope[];
    keyName?: string;
    expiresAt?: Date;
  } = {},
): Promise<UserFixture> {
  const app = appOf(prisma);
  const role = opts.role ?? 'viewer';
  let id: string;
  let email: string;
  if (opts.kind === 'service') {
    if (!opts.team) throw new Error('factories: a service account belongs to a team');
    const body = parseWith(createServiceAccountSchema, { name: `sa-${uniq()}`, role });
    email = (await app.get(TeamMembersService).createServiceAccount(SETUP, { ...opts.team, role: null }, body)).email;
    id = (await app.get(UsersService).get(SETUP, email)).id;
  } else {
    email = (opts.email ?? `user-${uniq()}@example.com`).toLowerCase();
    const users = app.get(UsersService);
    if (opts.team) {
      id = (await users.create(SETUP, parseWith(createUserSchema, { email, name: email.split('@')[0], team: opts.team.slug, role }))).id;
    } else {
      // The app makes users only inside a team (the admin API, members, service accounts, `mantis init`): a user of no team is a bare row.
      id = (await prisma.user.create({ data: { email, name: email.split('@')[0], kind: 'human' } })).id;
    }
    if (opts.admin) await users.assignRole(SETUP, email, { role: 'admin' });
  }
  const k = await createApiKey(prisma, id, { scopes: opts.scopes, name: opts.keyName, expiresAt: opts.expiresAt });
  return { id, email, key: k.key, keyId: k.id };
}

/** A key made by the keys service (hashed, named, scoped as POST …/api-keys would); `expiresAt` is its exact expiry, past ones included. */
export async function createApiKey(
  prisma: PrismaClient,
  userId: string,
  opts: { scopes?: Scope[]; name?: string; expiresAt?: Date; teamId?: string } = {},
): Promise<{ key: string; id: string }> {
  const app = appOf(prisma);
  const body = { name: opts.name ?? `key-${uniq()}`, ...(opts.scopes ? { scopes: opts.scopes } : {}) };
  const created = await app.get(ApiKeysService).create({ userId, ...(opts.teamId ? { teamId: opts.teamId } : {}) }, body, opts.expiresAt);
  const row = (await app.get(ApiKeysRepository).listForUser(userId)).find((r) => r.prefix === created.prefix && r.name === created.name);
  if (!row) throw new Error('factories: the created key is not listed');
  return { key: created.key, id: row.id };
}
