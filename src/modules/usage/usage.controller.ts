import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodResponse } from '../../platform/http/openapi.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { usageQuerySchema, usageSchema, type UsageQuery } from './usage.schemas.js';
import { UsageService } from './usage.service.js';

@ApiTags('usage')
@Controller('api/v1/teams/:team/usage')
export class UsageController {
  constructor(@Inject(UsageService) private readonly usage: UsageService) {}

  @Get()
  @RequireRole('auditor')
  @ApiOperation({
    summary: 'Spend this month and runs per day (team_owner, auditor, admin)',
    description:
      '`month.spent_usd`: cost of runs finished and chat calls made this calendar month (UTC); `month.reserved_usd`: reservations of runs still ' +
      'queued or running and of chat calls not yet answered (what budget admission counts); ' +
      '`days`: runs created per UTC day in [since, until) with their cost, every day listed. An omitted `until` is now, an omitted `since` the start of ' +
      'the UTC month of `until`; a range longer than 400 days, or `since` not before `until`, is 400 `validation_failed`.',
  })
  @ZodResponse(200, usageSchema)
  get(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(usageQuerySchema, 'query')) q: UsageQuery) {
    return this.usage.usage(team, q);
  }
}
