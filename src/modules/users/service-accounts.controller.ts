import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import {
  apiKeyListSchema,
  apiKeyViewSchema,
  createApiKeySchema,
  KEY_MANAGEMENT_RULES,
  createdApiKeySchema,
  keyNameSchema,
  rotateApiKeySchema,
} from '../api-keys/api-keys.schemas.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { TeamMembersService } from './team-members.service.js';
import { UserKeysService } from './user-keys.service.js';
import {
  createServiceAccountSchema,
  serviceAccountListSchema,
  serviceAccountSchema,
  SERVICE_ACCOUNT_NAME,
  type CreateServiceAccountBody,
} from './users.schemas.js';
import { z } from 'zod';

const nameParam = new ZodPipe(z.string().regex(SERVICE_ACCOUNT_NAME), 'path');
const keyParam = new ZodPipe(keyNameSchema, 'path');

/** Service accounts of a team, and their keys (the same keys as /api/v1/users/{email}/api-keys). */
@ApiTags('service accounts')
@Controller('api/v1/teams/:team/service-accounts')
export class ServiceAccountsController {
  constructor(
    @Inject(TeamMembersService) private readonly members: TeamMembersService,
    @Inject(UserKeysService) private readonly keys: UserKeysService,
  ) {}

  @Post()
  @RequireRole('team_owner')
  @Audit('service_account.create', 'user')
  @ApiOperation({ summary: 'Creates a service account (email <name>@<team>.service.mantis); a team_owner may give viewer, operator or auditor' })
  @ZodBody(createServiceAccountSchema)
  @ZodResponse(201, serviceAccountSchema)
  async create(
    @CurrentPrincipal() p: Principal,
    @CurrentTeam() team: TeamContext,
    @Body(new ZodPipe(createServiceAccountSchema)) body: CreateServiceAccountBody,
    @Req() req: MantisRequest,
  ) {
    annotateAudit(req, { details: { name: body.name, role: body.role } });
    const sa = await this.members.createServiceAccount(p, team, body);
    annotateAudit(req, { targetId: sa.email });
    return sa;
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The team’s service accounts' })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, serviceAccountListSchema)
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.members.listServiceAccounts(team, q);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireRole('team_owner')
  @Audit('service_account.delete', 'user', 'name')
  @ApiOperation({ summary: 'Deletes a service account; its keys stop working at once' })
  async delete(@CurrentTeam() team: TeamContext, @Param('name', nameParam) name: string) {
    await this.members.deleteServiceAccount(team, name);
  }

  @Post(':name/api-keys')
  @RequireRole('team_owner')
  @Audit('api_key.create', 'api_key')
  @ApiOperation({ summary: 'Creates a key for the service account; the raw key is in this response only', description: KEY_MANAGEMENT_RULES })
  @ZodBody(createApiKeySchema)
  @ZodResponse(201, createdApiKeySchema)
  async createKey(
    @CurrentPrincipal() p: Principal,
    @CurrentTeam() team: TeamContext,
    @Param('name', nameParam) name: string,
    @Body() body: unknown,
    @Req() req: MantisRequest,
  ) {
    const user = await this.members.serviceAccount(team, name);
    const created = await this.keys.create(p, user, body);
    annotateAudit(req, { targetId: created.name, details: { user: user.email, prefix: created.prefix, scopes: created.scopes } });
    return created;
  }

  @Get(':name/api-keys')
  @RequireRole('team_owner')
  @ApiOperation({ summary: 'The service account’s keys: prefixes and metadata, never the key' })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, apiKeyListSchema)
  async listKeys(@CurrentTeam() team: TeamContext, @Param('name', nameParam) name: string, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.keys.page(await this.members.serviceAccount(team, name), q);
  }

  @Delete(':name/api-keys/:key')
  @RequireRole('team_owner')
  @Audit('api_key.revoke', 'api_key', 'key')
  @ApiOperation({ summary: 'Revokes a service account key', description: KEY_MANAGEMENT_RULES })
  @ZodResponse(200, apiKeyViewSchema)
  async revokeKey(
    @CurrentPrincipal() p: Principal,
    @CurrentTeam() team: TeamContext,
    @Param('name', nameParam) name: string,
    @Param('key', keyParam) key: string,
  ) {
    return this.keys.revoke(p, await this.members.serviceAccount(team, name), key);
  }

  @Post(':name/api-keys/:key/rotate')
  @RequireRole('team_owner')
  @Audit('api_key.rotate', 'api_key', 'key')
  @ApiOperation({ summary: 'Rotates a service account key; the old one works until the overlap (default 24h) ends', description: KEY_MANAGEMENT_RULES })
  @ZodBody(rotateApiKeySchema)
  @ZodResponse(201, createdApiKeySchema)
  async rotateKey(
    @CurrentPrincipal() p: Principal,
    @CurrentTeam() team: TeamContext,
    @Param('name', nameParam) name: string,
    @Param('key', keyParam) key: string,
    @Body() body: unknown,
    @Req() req: MantisRequest,
  ) {
    const created = await this.keys.rotate(p, await this.members.serviceAccount(team, name), key, body);
    annotateAudit(req, { details: { prefix: created.prefix } });
    return created;
  }
}
