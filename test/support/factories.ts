import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { generateApiKey } from '../../src/platform/auth/api-key-format.js';
import type { Scope, TeamRole } from '../../src/platform/auth/principal.js';

const uniq = () => randomBytes(4).toString('hex');

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
  const team = await prisma.team.create({ data: { name: slug, rateLimitPerMinute: 0, ...data, slug } });
  return { id: team.id, slug: team.slug };
}

export interface UserFixture {
  id: string;
  email: string;
  /** A raw mk_ key for this user (all scopes unless limited). */
  key: string;
  keyId: string;
}

/** A user (member of `team` with `role`, or admin) with one API key. */
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
  const email = (opts.email ?? `user-${uniq()}@example.com`).toLowerCase();
  const user = await prisma.user.create({ data: { email, name: email.split('@')[0], isAdmin: !!opts.admin, kind: opts.kind ?? 'human' } });
  if (opts.team) {
    await prisma.membership.create({ data: { userId: user.id, teamId: opts.team.id, role: opts.role ?? 'viewer' } });
  }
  const k = await createApiKey(prisma, user.id, { scopes: opts.scopes, name: opts.keyName, expiresAt: opts.expiresAt });
  return { id: user.id, email, key: k.key, keyId: k.id };
}

export async function createApiKey(
  prisma: PrismaClient,
  userId: string,
  opts: { scopes?: Scope[]; name?: string; expiresAt?: Date; teamId?: string } = {},
): Promise<{ key: string; id: string }> {
  const k = generateApiKey();
  const row = await prisma.apiKey.create({
    data: {
      userId,
      teamId: opts.teamId,
      name: opts.name ?? `key-${uniq()}`,
      keyHash: k.hash,
      prefix: k.prefix,
      scopes: opts.scopes ?? ['run', 'status', 'result', 'logs'],
      expiresAt: opts.expiresAt,
    },
  });
  return { key: k.raw, id: row.id };
}
