import { cursorKey, pageOf, type ListPageQuery } from '../../platform/http/pagination.js';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { UniqueViolation } from '../../platform/database/repository-errors.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { assertOwnerMayAssign, assertOwnerMayTakeIn } from './user-access.js';
import { UsersRepository, type UserRow } from './users.repository.js';
import { SERVICE_DOMAIN, type AddMemberBody, type CreateServiceAccountBody, type MemberView, type ServiceAccountView } from './users.schemas.js';

function memberView(u: UserRow, teamId: string): MemberView {
  const m = u.memberships.find((x) => x.teamId === teamId)!;
  return { email: u.email, name: u.name, kind: u.kind, role: m.role, admin: u.isAdmin, since: m.createdAt.toISOString() };
}

function serviceAccountView(u: UserRow, team: TeamContext): ServiceAccountView {
  const m = u.memberships.find((x) => x.teamId === team.id)!;
  return { name: u.name, email: u.email, team: team.slug, role: m.role, created_at: u.createdAt.toISOString() };
}

export function serviceAccountEmail(name: string, teamSlug: string): string {
  return `${name}@${teamSlug}${SERVICE_DOMAIN}`;
}

/** A team's members and service accounts (routes under /api/v1/teams/{team}/…). */
@Injectable()
export class TeamMembersService {
  constructor(
    @Inject(UsersRepository) private readonly repo: UsersRepository,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  async list(team: TeamContext, q: ListPageQuery) {
    const page = pageOf(await this.repo.members(team.id, undefined, q.limit + 1, cursorKey(q.cursor)), q.limit, (u) => u.email);
    return { data: page.rows.map((u) => memberView(u, team.id)), next_cursor: page.next_cursor };
  }

  /** Adds an existing user to the team, or creates a human user when the email is new (needs `name`). */
  async add(p: Principal, team: TeamContext, body: AddMemberBody) {
    let user = await this.repo.findByEmail(body.email);
    if (user?.memberships.some((m) => m.teamId === team.id)) throw new ApiError('conflict', `${body.email} is already a member of ${team.slug}`);
    const probe: UserRow = user ?? { id: '', email: body.email, name: '', kind: 'human', isAdmin: false, createdAt: new Date(), memberships: [] };
    assertOwnerMayAssign(p, team.id, probe, body.role);
    assertOwnerMayTakeIn(p, team.id, user);
    if (user?.kind === 'service') throw new ApiError('conflict', 'A service account belongs to its own team only');
    if (!user) {
      if (body.email.endsWith(SERVICE_DOMAIN))
        throw ApiError.validation('Reserved address', {
          fields: [{ field: 'email', message: `addresses under ${SERVICE_DOMAIN} are reserved for service accounts`, in: 'body' }],
        });
      user = await this.repo.create({ email: body.email, name: body.name ?? body.email.split('@')[0], kind: 'human', isAdmin: false }, team.id, body.role);
    } else {
      await this.repo.addMembership(team.id, user.id, body.role);
      user = (await this.repo.findByEmail(body.email))!;
    }
    return memberView(user, team.id);
  }

  /** Removes a member from the team (the user stays). Owners may not remove co-owners or admins. */
  async remove(p: Principal, team: TeamContext, email: string): Promise<void> {
    const user = await this.repo.findByEmail(email);
    const m = user?.memberships.find((x) => x.teamId === team.id);
    if (!user || !m) throw ApiError.notFound('member');
    if (user.id === p.userId) throw new ApiError('conflict', 'You cannot remove yourself from a team');
    if (!p.admin && (m.role === 'team_owner' || user.isAdmin)) throw new ApiError('insufficient_role', 'Only an admin may remove a team_owner or an admin');
    if (user.kind === 'service') {
      await this.keys.revokeAllForUser(user.id);
      await this.repo.delete(user.id);
      return;
    }
    await this.repo.removeMembership(team.id, user.id);
  }

  async createServiceAccount(p: Principal, team: TeamContext, body: CreateServiceAccountBody) {
    if (!p.admin && body.role === 'team_owner')
      throw new ApiError('insufficient_role', 'A team_owner may create service accounts with viewer, operator or auditor only');
    const email = serviceAccountEmail(body.name, team.slug);
    const user = await this.repo.create({ email, name: body.name, kind: 'service', isAdmin: false }, team.id, body.role).catch((e: unknown) => {
      if (e instanceof UniqueViolation) throw new ApiError('conflict', `A service account named ${body.name} already exists in ${team.slug}`);
      throw e;
    });
    return serviceAccountView(user, team);
  }

  /** Every service account of the team (the team's key listing walks them). */
  /** The team's service accounts as users (their ids key their API keys). */
  serviceAccountUsers(team: TeamContext): Promise<UserRow[]> {
    return this.repo.members(team.id, 'service', undefined);
  }

  async allServiceAccounts(team: TeamContext) {
    return (await this.repo.members(team.id, 'service', undefined)).map((u) => serviceAccountView(u, team));
  }

  async listServiceAccounts(team: TeamContext, q: ListPageQuery) {
    const page = pageOf(await this.repo.members(team.id, 'service', q.limit + 1, cursorKey(q.cursor)), q.limit, (u) => u.email);
    return { data: page.rows.map((u) => serviceAccountView(u, team)), next_cursor: page.next_cursor };
  }

  /** The service account `name` of this team, or 404. */
  async serviceAccount(team: TeamContext, name: string): Promise<UserRow> {
    const user = await this.repo.findByEmail(serviceAccountEmail(name, team.slug));
    if (!user || user.kind !== 'service' || !user.memberships.some((m) => m.teamId === team.id)) throw ApiError.notFound('service account');
    return user;
  }

  async deleteServiceAccount(team: TeamContext, name: string): Promise<void> {
    const user = await this.serviceAccount(team, name);
    await this.keys.revokeAllForUser(user.id);
    await this.repo.delete(user.id);
  }
}
