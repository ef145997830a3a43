import type { ListPageQuery } from '../../platform/http/pagination.js';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal, Scope } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import { parseWith } from '../../platform/http/zod-pipe.js';
import { createApiKeySchema } from '../api-keys/api-keys.schemas.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { assertMayManageKeys, canManageKeys, keyLifetimeBound } from './user-access.js';
import { UsersRepository, type UserRow } from './users.repository.js';

/**
 * Who may manage whose API keys (the OpenAPI description: administration): the user itself, an owner of a
 * service account's team, an admin. A new key's scopes are never wider than
 * the caller's own credential; without `scopes` it gets the caller's, and it
 * never expires after the API key that created it.
 */
@Injectable()
export class UserKeysService {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  /** The user whose keys are managed: 403 for a teammate the caller may not manage, 404 for anyone it cannot see. */
  async owner(p: Principal, email: string): Promise<UserRow> {
    const user = await this.users.findByEmail(email);
    if (user && canManageKeys(p, user)) return user;
    const shares = user?.memberships.some((m) => p.memberships.some((x) => x.teamId === m.teamId));
    if (user && shares) {
      throw new ApiError('insufficient_role', 'Only the user itself or an admin may manage a person’s keys; team owners manage their service accounts’ keys');
    }
    throw ApiError.notFound('user');
  }

  async create(p: Principal, user: UserRow, body: unknown) {
    assertMayManageKeys(p);
    const input = parseWith(createApiKeySchema, body);
    const wider = (input.scopes ?? []).filter((s) => !p.scopes.includes(s));
    if (wider.length > 0) throw new ApiError('insufficient_scope', `A key cannot get scopes its creator lacks: ${wider.join(', ')}`);
    const scopes: Scope[] = input.scopes ?? [...p.scopes];
    return this.keys.create({ userId: user.id }, { ...input, scopes }, keyLifetimeBound(p));
  }

  list(user: UserRow) {
    return this.keys.list(user.id);
  }

  page(user: UserRow, q: ListPageQuery) {
    return this.keys.page(user.id, q);
  }

  revoke(p: Principal, user: UserRow, name: string) {
    assertMayManageKeys(p);
    return this.keys.revoke(user.id, name);
  }

  rotate(p: Principal, user: UserRow, name: string, body: unknown) {
    assertMayManageKeys(p);
    return this.keys.rotate(user.id, name, body ?? {}, keyLifetimeBound(p));
  }
}
