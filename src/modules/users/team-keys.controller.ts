import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import { listPageQuerySchema, nextCursorSchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { apiKeyViewSchema } from '../api-keys/api-keys.schemas.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { TeamMembersService } from './team-members.service.js';

const teamKeyListSchema = z.object({
  data: z.array(apiKeyViewSchema.extend({ user: z.string(), service_account: z.string() })),
  next_cursor: nextCursorSchema,
});

@ApiTags('api keys')
@Controller('api/v1/teams/:team/api-keys')
export class TeamKeysController {
  constructor(
    @Inject(TeamMembersService) private readonly members: TeamMembersService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  @Get()
  @RequireRole('team_owner')
  @ApiOperation({
    summary: 'Keys of the team’s service accounts (keys-file tokens included): prefixes and metadata, never a key',
    description:
      'Newest first, paged like every list (`limit`, `cursor`, `next_cursor`). People’s own keys are theirs (GET /api/v1/users/{email}/api-keys); manage service-account keys under /api/v1/teams/{team}/service-accounts/{name}/api-keys.',
  })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, teamKeyListSchema)
  async list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    const accounts = new Map((await this.members.serviceAccountUsers(team)).map((u) => [u.id, u]));
    const page = await this.keys.pageForUsers([...accounts.keys()], q);
    return {
      data: page.data.map(({ userId, view }) => {
        const sa = accounts.get(userId)!;
        return { ...view, user: sa.email, service_account: sa.name };
      }),
      next_cursor: page.next_cursor,
    };
  }
}
