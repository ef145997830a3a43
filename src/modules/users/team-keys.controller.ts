import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodResponse } from '../../platform/http/openapi.js';
import { apiKeyViewSchema } from '../api-keys/api-keys.schemas.js';
import { TeamMembersService } from './team-members.service.js';
import { UserKeysService } from './user-keys.service.js';

const teamKeyListSchema = z.object({ data: z.array(apiKeyViewSchema.extend({ user: z.string(), service_account: z.string() })) });

@ApiTags('api keys')
@Controller('api/v1/teams/:team/api-keys')
export class TeamKeysController {
  constructor(
    @Inject(TeamMembersService) private readonly members: TeamMembersService,
    @Inject(UserKeysService) private readonly keys: UserKeysService,
  ) {}

  @Get()
  @RequireRole('team_owner')
  @ApiOperation({
    summary: 'Keys of the team’s service accounts (keys-file tokens included): prefixes and metadata, never a key',
    description:
      'People’s own keys are theirs (GET /api/v1/users/{email}/api-keys); manage service-account keys under /api/v1/teams/{team}/service-accounts/{name}/api-keys.',
  })
  @ZodResponse(200, teamKeyListSchema)
  async list(@CurrentTeam() team: TeamContext) {
    const data = [];
    for (const sa of await this.members.allServiceAccounts(team)) {
      const user = await this.members.serviceAccount(team, sa.name).catch(() => null);
      if (!user) continue;
      for (const k of await this.keys.list(user)) data.push({ ...k, user: sa.email, service_account: sa.name });
    }
    return { data };
  }
}
