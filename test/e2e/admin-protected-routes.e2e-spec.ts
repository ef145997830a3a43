import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createApiKey, createUser, type TeamFixture } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';

const uniq = () => randomBytes(4).toString('hex');

async function serviceAccount(prisma: PrismaClient, team: TeamFixture) {
  const name = `sa-${uniq()}`;
  const email = `${name}@${team.slug}.service.mantis`;
  const user = await prisma.user.create({ data: { email, name, kind: 'service', memberships: { create: { teamId: team.id, role: 'operator' } } } });
  await createApiKey(prisma, user.id, { name: 'k', teamId: team.id });
  return { name, email };
}

/** Every route of teams, users, roles, service accounts, keys, secrets, audit and usage runs the shared checks. */
describe('admin routes are protected', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const app = () => t;

  // Teams
  describeProtectedRoute(app, { method: 'POST', url: () => '/api/v1/teams', role: 'admin', payload: () => ({ name: `t-${uniq()}` }), allowedStatus: 201 });
  describeProtectedRoute(app, { method: 'GET', url: () => '/api/v1/teams', crossTeam: false, allowedStatus: 200 });
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}`, role: 'viewer', allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'PATCH',
    url: ({ team }) => `/api/v1/teams/${team.slug}`,
    role: 'admin',
    payload: () => ({ weight: 2 }),
    allowedStatus: 200,
  });
  describeProtectedRoute(app, { method: 'DELETE', url: ({ team }) => `/api/v1/teams/${team.slug}`, role: 'admin', allowedStatus: 204 });

  // Users and roles
  const member = async (t: TestApp, team: TeamFixture) => ({ email: (await createUser(t.prisma, { team, role: 'viewer' })).email });
  describeProtectedRoute(app, {
    method: 'POST',
    url: () => '/api/v1/users',
    role: 'team_owner',
    payload: ({ team }) => ({ email: `u-${uniq()}@example.com`, name: 'U', team: team.slug, role: 'viewer' }),
    allowedStatus: 201,
  });
  describeProtectedRoute(app, { method: 'GET', url: () => '/api/v1/users', role: 'team_owner', crossTeam: false, allowedStatus: 200 });
  describeProtectedRoute(app, { method: 'GET', url: ({ fixture }) => `/api/v1/users/${fixture.email}`, role: 'team_owner', setup: member, allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'DELETE',
    url: ({ fixture }) => `/api/v1/users/${fixture.email}`,
    role: 'team_owner',
    setup: member,
    allowedStatus: 204,
  });
  describeProtectedRoute(app, {
    method: 'PUT',
    url: ({ fixture }) => `/api/v1/users/${fixture.email}/role`,
    role: 'team_owner',
    setup: member,
    payload: ({ team }) => ({ team: team.slug, role: 'operator' }),
    allowedStatus: 200,
  });

  // Members
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/members`, role: 'viewer', allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'POST',
    url: ({ team }) => `/api/v1/teams/${team.slug}/members`,
    role: 'team_owner',
    payload: () => ({ email: `m-${uniq()}@example.com`, name: 'M', role: 'viewer' }),
    allowedStatus: 201,
  });
  describeProtectedRoute(app, {
    method: 'DELETE',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/members/${fixture.email}`,
    role: 'team_owner',
    setup: member,
    allowedStatus: 204,
  });

  // Service accounts and their keys
  const sa = (t: TestApp, team: TeamFixture) => serviceAccount(t.prisma, team);
  describeProtectedRoute(app, {
    method: 'POST',
    url: ({ team }) => `/api/v1/teams/${team.slug}/service-accounts`,
    role: 'team_owner',
    payload: () => ({ name: `bot-${uniq()}`, role: 'operator' }),
    allowedStatus: 201,
  });
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/service-accounts`, role: 'viewer', allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'DELETE',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/service-accounts/${fixture.name}`,
    role: 'team_owner',
    setup: sa,
    allowedStatus: 204,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/service-accounts/${fixture.name}/api-keys`,
    role: 'team_owner',
    setup: sa,
    payload: () => ({ name: `k-${uniq()}` }),
    allowedStatus: 201,
  });
  describeProtectedRoute(app, {
    method: 'GET',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/service-accounts/${fixture.name}/api-keys`,
    role: 'team_owner',
    setup: sa,
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'DELETE',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/service-accounts/${fixture.name}/api-keys/k`,
    role: 'team_owner',
    setup: sa,
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/service-accounts/${fixture.name}/api-keys/k/rotate`,
    role: 'team_owner',
    setup: sa,
    payload: () => ({}),
    allowedStatus: 201,
  });

  // API keys by user (a service account of the team, so its team_owner may manage them)
  describeProtectedRoute(app, {
    method: 'POST',
    url: ({ fixture }) => `/api/v1/users/${fixture.email}/api-keys`,
    role: 'team_owner',
    setup: sa,
    payload: () => ({ name: `k-${uniq()}` }),
    allowedStatus: 201,
  });
  describeProtectedRoute(app, {
    method: 'GET',
    url: ({ fixture }) => `/api/v1/users/${fixture.email}/api-keys`,
    role: 'team_owner',
    setup: sa,
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'DELETE',
    url: ({ fixture }) => `/api/v1/users/${fixture.email}/api-keys/k`,
    role: 'team_owner',
    setup: sa,
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: ({ fixture }) => `/api/v1/users/${fixture.email}/api-keys/k/rotate`,
    role: 'team_owner',
    setup: sa,
    payload: () => ({ overlap: '1h' }),
    allowedStatus: 201,
  });

  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/api-keys`, role: 'team_owner', setup: sa, allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'GET',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/users/${fixture.email}/api-keys`,
    role: 'team_owner',
    setup: sa,
    allowedStatus: 200,
  });

  // Secrets
  const secret = async (t: TestApp, team: TeamFixture) => {
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    await t.app.inject({ method: 'PUT', url: `/api/v1/teams/${team.slug}/secrets/s1`, headers: { 'x-mantis-token': owner.key }, payload: { value: 'v' } });
    return {};
  };
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/secrets`, role: 'viewer', allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'PUT',
    url: ({ team }) => `/api/v1/teams/${team.slug}/secrets/s1`,
    role: 'team_owner',
    payload: () => ({ value: 'v' }),
    allowedStatus: [200, 201],
  });
  describeProtectedRoute(app, {
    method: 'DELETE',
    url: ({ team }) => `/api/v1/teams/${team.slug}/secrets/s1`,
    role: 'team_owner',
    setup: secret,
    allowedStatus: 204,
  });

  // Audit and usage
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/audit-events`, role: 'auditor', allowedStatus: 200 });
  describeProtectedRoute(app, {
    method: 'GET',
    url: ({ team }) => `/api/v1/teams/${team.slug}/audit-events/export?format=csv`,
    role: 'auditor',
    allowedStatus: 200,
  });
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/audit-events/verify`, role: 'auditor', allowedStatus: 200 });
  describeProtectedRoute(app, { method: 'GET', url: () => '/api/v1/audit-events', role: 'admin', allowedStatus: 200 });
  describeProtectedRoute(app, { method: 'GET', url: () => '/api/v1/audit-events/export', role: 'admin', allowedStatus: 200 });
  describeProtectedRoute(app, { method: 'GET', url: () => '/api/v1/audit-events/verify', role: 'admin', allowedStatus: 200 });
  describeProtectedRoute(app, { method: 'GET', url: ({ team }) => `/api/v1/teams/${team.slug}/usage`, role: 'auditor', allowedStatus: 200 });
});
