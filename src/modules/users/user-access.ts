import { SCOPES, type Principal, type TeamRole } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { UserRow } from './users.repository.js';

/** Roles a team_owner may hand out in its own team (the OpenAPI description: roles): never team_owner or admin. */
export const OWNER_ASSIGNABLE: readonly TeamRole[] = ['viewer', 'operator', 'auditor'];

export function ownedTeamIds(p: Principal): string[] {
  return p.memberships.filter((m) => m.role === 'team_owner').map((m) => m.teamId);
}

export function roleIn(p: Principal, teamId: string): TeamRole | null {
  return p.memberships.find((m) => m.teamId === teamId)?.role ?? null;
}

/**
 * Whether `p` may see `user` at all: themself, admins, and owners of a team
 * the user belongs to. Anyone else learns nothing: 404 to a team owner (a
 * user outside its teams), 403 insufficient_role to a caller who owns no team.
 */
export function assertCanSee(p: Principal, user: UserRow | null): asserts user is UserRow {
  if (user && (p.admin || user.id === p.userId)) return;
  const owned = ownedTeamIds(p);
  if (user && user.memberships.some((m) => owned.includes(m.teamId))) return;
  if (owned.length === 0 && !p.admin) throw new ApiError('insufficient_role', 'Managing users needs the team_owner role');
  throw ApiError.notFound('user');
}

/** Team owners may change a membership only for roles below their own, and never a co-owner's or an admin's. */
export function assertOwnerMayAssign(p: Principal, teamId: string, target: UserRow, role: TeamRole | 'admin'): void {
  if (p.admin) return;
  if (roleIn(p, teamId) !== 'team_owner') throw new ApiError('insufficient_role', 'Assigning roles needs the team_owner role in this team');
  if (!(OWNER_ASSIGNABLE as readonly string[]).includes(role)) {
    throw new ApiError('insufficient_role', `A team_owner may assign only ${OWNER_ASSIGNABLE.join(', ')}`);
  }
  const current = target.memberships.find((m) => m.teamId === teamId)?.role;
  if (target.isAdmin || current === 'team_owner') {
    throw new ApiError('insufficient_role', 'Only an admin may change the role of a team_owner or an admin');
  }
}

/** Whether `p` may manage `user`'s API keys: the user itself, an admin, or an owner of the service account's team. */
export function canManageKeys(p: Principal, user: UserRow): boolean {
  if (p.admin || p.userId === user.id) return true;
  if (user.kind !== 'service') return false;
  const owned = ownedTeamIds(p);
  return user.memberships.length > 0 && user.memberships.every((m) => owned.includes(m.teamId));
}

/**
 * Which credentials may create, rotate or revoke keys at all. Tenant tokens and
 * the single-tenant token are configuration, not people: a key they minted
 * would outlive their removal from the file or the environment. A key limited
 * to some scopes is a narrow tool and must not be able to widen itself.
 */
export function assertMayManageKeys(p: Principal): void {
  if (p.authMethod === 'tenant_token' || p.authMethod === 'single_tenant') {
    throw new ApiError('insufficient_role', 'Tenant tokens and MANTIS_API_TOKEN cannot manage API keys');
  }
  if (p.scopes.length < SCOPES.length) {
    throw new ApiError('insufficient_scope', 'A key restricted to some scopes cannot create, rotate or revoke keys');
  }
}

/** The latest a key made by `p` may expire: the creating key's own expiry (undefined: no bound). */
export function keyLifetimeBound(p: Principal): Date | undefined {
  return p.keyExpiresAt ?? undefined;
}

/**
 * A team_owner may bring into its team only people who are new or already in
 * it: taking in an existing user (another team's member or owner) would make
 * that user's calls ambiguous across teams and is for admins alone.
 */
export function assertOwnerMayTakeIn(p: Principal, teamId: string, user: UserRow | null): void {
  if (p.admin || !user || user.memberships.some((m) => m.teamId === teamId)) return;
  throw new ApiError('insufficient_role', 'Only an admin may add an existing user to another team; a team_owner adds new users or changes its own members');
}
