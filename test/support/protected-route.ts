import { describe, expect, it } from 'vitest';
import type { RoleRequirement } from '../../src/platform/auth/auth.decorators.js';
import { SCOPES, type Scope, type TeamRole } from '../../src/platform/auth/principal.js';
import type { TestApp } from './app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from './factories.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route's own setup made in a team (e.g. `{ runId }`), handed to `url`/`payload`. */
export type RouteFixture = Record<string, unknown>;

export interface RouteContext {
  team: TeamFixture;
  fixture: RouteFixture;
}

export interface ProtectedRouteSpec {
  method: Method;
  /** The URL for a resource of `ctx.team`, e.g. `({ team }) => \`/api/v1/teams/${team.slug}/secrets\``. */
  url: (ctx: RouteContext) => string;
  /** Scope the route needs (run, status, result, logs). */
  scope?: Scope;
  /** Minimum role (the OpenAPI description: roles); default: any member (`viewer`). */
  role?: RoleRequirement;
  /** Creates what the URL points to in `team` (a run, a workflow…); runs once per check. */
  setup?: (t: TestApp, team: TeamFixture) => Promise<RouteFixture>;
  payload?: (ctx: RouteContext) => unknown;
  headers?: Record<string, string>;
  /**
   * The route names a team-owned resource, so a member of another team must
   * get 404 (default: true unless the route is admin-only).
   */
  crossTeam?: boolean;
  /**
   * Status a permitted caller gets; checked so the denials above cannot pass
   * vacuously. Default: anything that is not 401/403/404.
   */
  allowedStatus?: number | number[];
}

/** The lowest role that satisfies each requirement, and roles that do not (the OpenAPI description: roles). */
const ALLOWED_ROLE: Record<RoleRequirement, { role?: TeamRole; admin?: boolean }> = {
  viewer: { role: 'viewer' },
  operator: { role: 'operator' },
  auditor: { role: 'auditor' },
  team_owner: { role: 'team_owner' },
  admin: { role: 'team_owner', admin: true },
};
const DENIED_ROLES: Record<RoleRequirement, TeamRole[]> = {
  viewer: [],
  operator: ['viewer', 'auditor'],
  auditor: ['viewer', 'operator'],
  team_owner: ['viewer', 'operator', 'auditor'],
  admin: ['team_owner'],
};

function allowedPrincipal(spec: ProtectedRouteSpec) {
  return ALLOWED_ROLE[spec.role ?? 'viewer'];
}

async function request(t: TestApp, spec: ProtectedRouteSpec, ctx: RouteContext, headers: Record<string, string>) {
  const payload = spec.payload?.(ctx);
  return t.app.inject({
    method: spec.method,
    url: spec.url(ctx),
    headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...spec.headers, ...headers },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

async function arrange(t: TestApp, spec: ProtectedRouteSpec): Promise<RouteContext & { owner: UserFixture }> {
  const team = await createTeam(t.prisma);
  const { role, admin } = allowedPrincipal(spec);
  const owner = await createUser(t.prisma, { team, role, admin });
  const fixture = spec.setup ? await spec.setup(t, team) : {};
  return { team, fixture, owner };
}

function expectError(res: { statusCode: number; json: () => any; headers: Record<string, unknown> }, status: number, code: string) {
  expect({ status: res.statusCode, code: res.json()?.error?.code }).toEqual({ status, code });
  expect(res.json().error.request_id).toBe(res.headers['x-request-id']);
}

/**
 * The checks every protected route must pass (the OpenAPI description: authentication and roles), as one call in
 * an e2e spec:
 *
 *   describeProtectedRoute(() => t, {
 *     method: 'GET', url: ({ team, fixture }) => `/v1/runs/${fixture.runId}`,
 *     scope: 'status', role: 'viewer', setup: (t, team) => makeRun(t, team),
 *   });
 *
 * 401 missing_token without credentials (and with an ignored `Authorization:
 * Api-Key …`), 401 invalid_token with a malformed or unknown key, 403
 * insufficient_scope for a key without the scope, 403 insufficient_role for
 * each role below the requirement, 404 not_found for a member of another team;
 * and the permitted caller is let through.
 */
export function describeProtectedRoute(getApp: () => TestApp, spec: ProtectedRouteSpec): void {
  const label = `${spec.method} ${describeUrl(spec)}`;
  describe(`protected route ${label}`, () => {
    it('refuses a request without credentials (401 missing_token), an ignored scheme included', async () => {
      const t = getApp();
      const ctx = await arrange(t, spec);
      expectError(await request(t, spec, ctx, {}), 401, 'missing_token');
      expectError(await request(t, spec, ctx, { authorization: `Api-Key ${ctx.owner.key}` }), 401, 'missing_token');
    });

    it('refuses a malformed, unknown or revoked key (401 invalid_token)', async () => {
      const t = getApp();
      const ctx = await arrange(t, spec);
      expectError(await request(t, spec, ctx, { 'x-mantis-token': 'mk_not-a-key' }), 401, 'invalid_token');
      expectError(await request(t, spec, ctx, { authorization: `Bearer mk_${'0'.repeat(64)}` }), 401, 'invalid_token');
      await t.prisma.apiKey.update({ where: { id: ctx.owner.keyId }, data: { revokedAt: new Date() } });
      expectError(await request(t, spec, ctx, { 'x-mantis-token': ctx.owner.key }), 401, 'invalid_token');
    });

    it('lets the permitted caller through', async () => {
      const t = getApp();
      const ctx = await arrange(t, spec);
      const res = await request(t, spec, ctx, { 'x-mantis-token': ctx.owner.key });
      if (spec.allowedStatus !== undefined) {
        expect([spec.allowedStatus].flat(), res.body).toContain(res.statusCode);
      } else {
        expect([401, 403, 404], res.body).not.toContain(res.statusCode);
      }
    });

    if (spec.scope) {
      const scope = spec.scope;
      it(`refuses a key without the "${scope}" scope (403 insufficient_scope)`, async () => {
        const t = getApp();
        const ctx = await arrange(t, spec);
        const { role, admin } = allowedPrincipal(spec);
        const limited = await createUser(t.prisma, { team: ctx.team, role, admin, scopes: SCOPES.filter((s) => s !== scope) });
        expectError(await request(t, spec, ctx, { 'x-mantis-token': limited.key }), 403, 'insufficient_scope');
      });
    }

    for (const role of DENIED_ROLES[spec.role ?? 'viewer']) {
      it(`refuses the ${role} role (403 insufficient_role)`, async () => {
        const t = getApp();
        const ctx = await arrange(t, spec);
        const weak = await createUser(t.prisma, { team: ctx.team, role });
        expectError(await request(t, spec, ctx, { 'x-mantis-token': weak.key }), 403, 'insufficient_role');
      });
    }

    if (spec.crossTeam ?? spec.role !== 'admin') {
      it("answers 404 to a member of another team, whatever that member's role", async () => {
        const t = getApp();
        const ctx = await arrange(t, spec);
        const other = await createTeam(t.prisma);
        const outsider = await createUser(t.prisma, { team: other, role: 'team_owner' });
        expectError(await request(t, spec, ctx, { 'x-mantis-token': outsider.key }), 404, 'not_found');
      });
    }
  });
}

function describeUrl(spec: ProtectedRouteSpec): string {
  try {
    return spec.url({ team: { id: 'TEAM', slug: ':team' }, fixture: new Proxy({}, { get: (_, k) => `:${String(k)}` }) });
  } catch {
    return '(route)';
  }
}
