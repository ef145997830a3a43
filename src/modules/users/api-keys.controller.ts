import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { Body, Controller, Delete, Get, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/auth.decorators.js';
import type { Principal } from '../../platform/auth/principal.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { UserKeysService } from './user-keys.service.js';
import { emailSchema } from './users.schemas.js';
import type { UserRow } from './users.repository.js';
import {
  apiKeyListSchema,
  apiKeyViewSchema,
  createApiKeySchema,
  KEY_MANAGEMENT_RULES,
  createdApiKeySchema,
  keyNameSchema,
  rotateApiKeySchema,
} from '../api-keys/api-keys.schemas.js';

const emailParam = new ZodPipe(emailSchema, 'path');

const nameParam = new ZodPipe(keyNameSchema, 'path');

/**
 * Under /api/v1/teams/{team}/users/{email}/api-keys the team guard has checked
 * the caller's membership; the user must also be a member of that team.
 */
function assertInPathTeam(req: MantisRequest, user: UserRow): void {
  const slug = (req.params as Record<string, string | undefined>).team;
  if (slug !== undefined && !user.memberships.some((m) => m.teamSlug === slug)) throw ApiError.notFound('user');
}

/** Key events go to the chain of the owner's team when it has exactly one, else the global chain. */
function ownerTeam(user: UserRow) {
  return user.memberships.length === 1 ? { id: user.memberships[0].teamId, slug: user.memberships[0].teamSlug } : null;
}

@ApiTags('api keys')
/** Also under /api/v1/teams/{team}/users/{email}/api-keys (the team guard checks membership first). */
@Controller(['api/v1/users/:email/api-keys', 'api/v1/teams/:team/users/:email/api-keys'])
export class ApiKeysController {
  constructor(@Inject(UserKeysService) private readonly keys: UserKeysService) {}

  @Post()
  @Audit('api_key.create', 'api_key')
  @ApiOperation({
    summary: 'Creates an API key; the raw key is in this response only',
    description:
      'The user itself, a team_owner for its team’s service accounts, or an admin. `scopes` may not exceed the caller’s own (403 insufficient_scope); ' +
      'omitted, the key gets the caller’s scopes. `expires_in` uses s, m, h or d (e.g. 90d). A name in use by a live key is 409. ' +
      KEY_MANAGEMENT_RULES,
  })
  @ZodBody(createApiKeySchema)
  @ZodResponse(201, createdApiKeySchema)
  async create(@CurrentPrincipal() p: Principal, @Param('email', emailParam) email: string, @Body() body: unknown, @Req() req: MantisRequest) {
    const user = await this.keys.owner(p, email);
    assertInPathTeam(req, user);
    annotateAudit(req, { team: ownerTeam(user), details: { user: user.email } });
    const created = await this.keys.create(p, user, body);
    annotateAudit(req, { targetId: created.name, details: { prefix: created.prefix, scopes: created.scopes, expires_at: created.expires_at } });
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'The user’s keys: name, prefix, timestamps, scopes, source; never the key or its hash' })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, apiKeyListSchema)
  async list(
    @CurrentPrincipal() p: Principal,
    @Param('email', emailParam) email: string,
    @Req() req: MantisRequest,
    @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery,
  ) {
    const user = await this.keys.owner(p, email);
    assertInPathTeam(req, user);
    return this.keys.page(user, q);
  }

  @Delete(':name')
  @Audit('api_key.revoke', 'api_key', 'name')
  @ApiOperation({ summary: 'Revokes a key: refused from the next request on, on every replica. Answers the revoked key.', description: KEY_MANAGEMENT_RULES })
  @ZodResponse(200, apiKeyViewSchema)
  async revoke(@CurrentPrincipal() p: Principal, @Param('email', emailParam) email: string, @Param('name', nameParam) name: string, @Req() req: MantisRequest) {
    const user = await this.keys.owner(p, email);
    assertInPathTeam(req, user);
    annotateAudit(req, { team: ownerTeam(user), details: { user: user.email } });
    const revoked = await this.keys.revoke(p, user, name);
    annotateAudit(req, { details: { prefix: revoked.prefix } });
    return revoked;
  }

  @Post(':name/rotate')
  @Audit('api_key.rotate', 'api_key', 'name')
  @ApiOperation({
    summary: 'Issues a new key under the same name and scopes; the old one keeps working until `overlap` (default 24h) has passed',
    description: KEY_MANAGEMENT_RULES,
  })
  @ZodBody(rotateApiKeySchema)
  @ZodResponse(201, createdApiKeySchema)
  async rotate(
    @CurrentPrincipal() p: Principal,
    @Param('email', emailParam) email: string,
    @Param('name', nameParam) name: string,
    @Body() body: unknown,
    @Req() req: MantisRequest,
  ) {
    const user = await this.keys.owner(p, email);
    assertInPathTeam(req, user);
    annotateAudit(req, { team: ownerTeam(user), details: { user: user.email } });
    const created = await this.keys.rotate(p, user, name, body);
    annotateAudit(req, { details: { prefix: created.prefix } });
    return created;
  }
}
