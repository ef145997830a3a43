import { Inject, Injectable } from '@nestjs/common';
import { visibleTeam } from '../../platform/auth/access.js';
import type { Principal, TeamContext, TeamRole } from '../../platform/auth/principal.js';
import { TeamDirectory } from '../../platform/auth/team-directory.js';
import { UniqueViolation } from '../../platform/database/repository-errors.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { assertCanSee, assertOwnerMayAssign, assertOwnerMayTakeIn, ownedTeamIds, roleIn } from './user-access.js';
import { UsersRepository, type UserRow } from './users.repository.js';
import type { AssignRoleBody, CreateUserBody, ListUsersQuery, UserView } from './users.schemas.js';

/** A user as the API shows it; memberships limited to the teams the caller may see. */
export function userView(u: UserRow, p?: Principal): UserView {
  const visible = !p || p.admin || p.userId === u.id ? u.memberships : u.memberships.filter((m) => ownedTeamIds(p).includes(m.teamId));
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    kind: u.kind,
    admin: u.isAdmin,
    teams: visible.map((m) => ({ team: m.teamSlug, role: m.role })),
    created_at: u.createdAt.toISOString(),
  };
}

function conflictOnDuplicate(what: string) {
  return (e: unknown) => {
    if (e instanceof UniqueViolation) throw new ApiError('conflict', `${what} already exists`);
    throw e;
  };
}

@Injectable()
export class UsersService {
  constructor(
    @Inject(UsersRepository) private readonly repo: UsersRepository,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(TeamDirectory) private readonly teams: TeamDirectory,
  ) {}

  /** Admins: any role in any team. Team owners: viewer, operator or auditor in their own team. */
  async create(p: Principal, body: CreateUserBody): Promise<UserView> {
    const team = await this.visibleTeam(p, body.team);
    if (!p.admin) {
      if (roleIn(p, team.id) !== 'team_owner') throw new ApiError('insufficient_role', 'Adding users needs the team_owner role in this team');
      if (body.role === 'admin' || body.role === 'team_owner') throw new ApiError('insufficient_role', 'A team_owner may add only viewer, operator or auditor');
      assertOwnerMayTakeIn(p, team.id, await this.repo.findByEmail(body.email));
    }
    const isAdmin = body.role === 'admin';
    const role: TeamRole = isAdmin ? 'team_owner' : (body.role as TeamRole);
    const user = await this.repo
      .create({ email: body.email, name: body.name, kind: 'human', isAdmin }, team.id, role)
      .catch(conflictOnDuplicate(`A user with the email ${body.email}`));
    return userView(user, p);
  }

  async get(p: Principal, email: string): Promise<UserView> {
    const user = await this.repo.findByEmail(email);
    assertCanSee(p, user);
    return userView(user, p);
  }

  /** Admins: everyone (or one team's members). Team owners: members of the teams they own. */
  async list(p: Principal, q: ListUsersQuery): Promise<{ data: UserView[]; next_cursor: string | null }> {
    let teamIds: string[] | undefined = p.admin ? undefined : ownedTeamIds(p);
    if (teamIds && teamIds.length === 0) throw new ApiError('insufficient_role', 'Listing users needs the team_owner role');
    if (q.team) {
      const team = await this.visibleTeam(p, q.team);
      if (teamIds && !teamIds.includes(team.id)) throw new ApiError('insufficient_role', 'Listing users needs the team_owner role in this team');
      teamIds = [team.id];
    }
    const after = q.cursor ? Buffer.from(q.cursor, 'base64url').toString('utf8') : undefined;
    const rows = await this.repo.list(teamIds, q.limit + 1, after);
    const page = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? Buffer.from(page[page.length - 1].email).toString('base64url') : null;
    return { data: page.map((u) => userView(u, p)), next_cursor: next };
  }

  /**
   * Deletes the user; its keys are revoked first so they stop working at
   * once. A team owner may delete only users who belong to no team but its own.
   */
  async delete(p: Principal, email: string): Promise<UserRow> {
    const user = await this.repo.findByEmail(email);
    assertCanSee(p, user);
    if (user.id === p.userId) throw new ApiError('conflict', 'You cannot delete yourself');
    if (!p.admin) {
      const owned = ownedTeamIds(p);
      if (user.isAdmin || !user.memberships.every((m) => owned.includes(m.teamId))) {
        throw new ApiError(
          'insufficient_role',
          'This user belongs to other teams: remove them from your team with DELETE /api/v1/teams/{team}/members/{email}',
        );
      }
      if (user.memberships.some((m) => m.role === 'team_owner')) throw new ApiError('insufficient_role', 'Only an admin may delete a team_owner');
    }
    await this.keys.revokeAllForUser(user.id);
    await this.repo.delete(user.id);
    return user;
  }

  /**
   * `role: admin` grants the global admin flag (admins only; `team` not
   * needed). Any other role is set in `team` (created when the user was not
   * a member yet), by an admin, or by that team's owner within its limits.
   */
  async assignRole(
    p: Principal,
    email: string,
    body: AssignRoleBody,
    current?: TeamContext,
  ): Promise<{ user: UserView; team: { id: string; slug: string } | null; previous: string | null }> {
    const user = await this.repo.findByEmail(email);
    if (body.role === 'admin') {
      if (!p.admin) throw new ApiError('insufficient_role', 'Only an admin may grant admin');
      if (!user) throw ApiError.notFound('user');
      if (user.kind === 'service') throw new ApiError('conflict', 'A service account cannot be an admin');
      await this.repo.setAdmin(user.id, true);
      return { user: userView({ ...user, isAdmin: true }, p), team: null, previous: user.isAdmin ? 'admin' : null };
    }
    const team = body.team ? await this.visibleTeam(p, body.team) : current ? { id: current.id, slug: current.slug } : null;
    if (!team) throw new ApiError('team_required', 'Name the team: "team" in the body or the X-Mantis-Team header');
    if (!p.admin && roleIn(p, team.id) !== 'team_owner') throw new ApiError('insufficient_role', 'Assigning roles needs the team_owner role in this team');
    if (!user) throw ApiError.notFound('user');
    assertOwnerMayAssign(p, team.id, user, body.role);
    assertOwnerMayTakeIn(p, team.id, user);
    if (user.kind === 'service' && !user.memberships.some((m) => m.teamId === team.id)) {
      throw new ApiError('conflict', 'A service account belongs to its own team only');
    }
    const previous = user.memberships.find((m) => m.teamId === team.id)?.role ?? null;
    await this.repo.upsertMembership(team.id, user.id, body.role);
    const updated = (await this.repo.findByEmail(email))!;
    return { user: userView(updated, p), team, previous };
  }

  /** A team by slug, or 404 when the caller is neither an admin nor a member: the team guard's lookup. */
  async visibleTeam(p: Principal, slug: string): Promise<{ id: string; slug: string }> {
    const { id, slug: found } = await visibleTeam(p, slug, this.teams);
    return { id, slug: found };
  }
}
