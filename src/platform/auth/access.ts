import { ApiError } from '../http/api-error.js';
import type { RoleRequirement } from './auth.decorators.js';
import type { Principal, Scope, TeamContext, TeamRole } from './principal.js';
import type { TeamDirectory, TeamRef } from './team-directory.js';

/**
 * The access policy, in one place: which roles satisfy a requirement, the
 * scope and role checks with their errors, and in which team a principal may
 * act. The guards (`AccessGuard`, `TeamGuard`), the run API's body-dependent
 * actions and every service that checks a team use these.
 */

/** Which team roles satisfy each requirement (the OpenAPI description: roles). Admins satisfy all. */
const SATISFIES: Record<Exclude<RoleRequirement, 'admin'>, readonly TeamRole[]> = {
  viewer: ['viewer', 'operator', 'auditor', 'team_owner'],
  operator: ['operator', 'team_owner'],
  auditor: ['auditor', 'team_owner'],
  team_owner: ['team_owner'],
};

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What a route or action needs: scopes of the credential, a role in the team (or `admin`). */
export interface AccessRequirement {
  scopes?: readonly Scope[];
  role?: RoleRequirement;
}

export function hasRole(principal: Principal, team: TeamContext | undefined, required: RoleRequirement): boolean {
  if (principal.admin) return true;
  if (required === 'admin') return false;
  return !!team?.role && SATISFIES[required].includes(team.role);
}

export function hasScopes(principal: Principal, scopes: readonly Scope[]): boolean {
  return scopes.every((s) => principal.scopes.includes(s));
}

/**
 * Throws `insufficient_scope` or `insufficient_role` unless the principal
 * meets the requirement. Scope is checked first: a key's limits are its own.
 */
export function assertAccess(principal: Principal, team: TeamContext | undefined, need: AccessRequirement): void {
  const missing = (need.scopes ?? []).filter((s) => !principal.scopes.includes(s));
  if (missing.length > 0) throw new ApiError('insufficient_scope', `This key lacks the scope: ${missing.join(', ')}`);
  if (need.role && !hasRole(principal, team, need.role)) throw new ApiError('insufficient_role', `This action needs the ${need.role} role`);
}

/**
 * The principal's place in a team: its role as a member, role `null` for an
 * admin outside it, undefined when the team must stay hidden from it.
 */
export function standingIn(principal: Principal, team: TeamRef): TeamContext | undefined {
  const m = principal.memberships.find((x) => x.teamId === team.id);
  if (m) return { id: team.id, slug: team.slug, role: m.role };
  return principal.admin ? { id: team.id, slug: team.slug, role: null } : undefined;
}

/**
 * The team a principal names by slug. A team it is not in is 404 `team`,
 * exactly like a team that does not exist; admins reach every team.
 */
export async function visibleTeam(principal: Principal, slug: string, directory: TeamDirectory): Promise<TeamContext> {
  const m = principal.memberships.find((x) => x.teamSlug === slug);
  if (m) return { id: m.teamId, slug: m.teamSlug, role: m.role };
  if (principal.admin && SLUG.test(slug)) {
    const team = await directory.bySlug(slug);
    if (team) return { id: team.id, slug: team.slug, role: null };
  }
  throw ApiError.notFound('team');
}
