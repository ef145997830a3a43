import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { Body, Controller, Delete, Get, HttpCode, Inject, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { createTeamSchema, patchTeamSchema, teamListSchema, teamSchema, type CreateTeamBody, type PatchTeamBody } from './teams.schemas.js';
import { TeamsService } from './teams.service.js';

@ApiTags('teams')
@Controller('api/v1/teams')
export class TeamsController {
  constructor(@Inject(TeamsService) private readonly teams: TeamsService) {}

  @Post()
  @RequireRole('admin')
  @Audit('team.create', 'team', undefined, { global: true })
  @ApiOperation({
    summary: 'Creates a team (admin)',
    description:
      'Without `slug`, one is derived from `name` (lowercased, runs of other characters become `-`). Omitted caps take the defaults of the tenant keys file. Recorded in the global audit chain.',
  })
  @ZodBody(createTeamSchema)
  @ZodResponse(201, teamSchema)
  async create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(createTeamSchema)) body: CreateTeamBody, @Req() req: MantisRequest) {
    const team = await this.teams.create(p, body);
    annotateAudit(req, { targetId: team.slug });
    return team;
  }

  @Get()
  @ApiOperation({ summary: 'Teams: every team for admins, else the caller’s own teams with its role' })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, teamListSchema)
  list(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.teams.list(p, q);
  }

  @Get(':team')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'A team: admins, or any member of it' })
  @ZodResponse(200, teamSchema)
  get(@CurrentTeam() team: TeamContext) {
    return this.teams.get(team);
  }

  @Patch(':team')
  @RequireRole('admin')
  @Audit('team.update', 'team', 'team')
  @ApiOperation({ summary: 'Changes a team’s name, caps, allowed_domains, webhook settings, monthly_budget_usd or weight (admin)' })
  @ZodBody(patchTeamSchema)
  @ZodResponse(200, teamSchema)
  async update(@CurrentTeam() team: TeamContext, @Body(new ZodPipe(patchTeamSchema)) body: PatchTeamBody, @Req() req: MantisRequest) {
    annotateAudit(req, { details: { fields: Object.keys(body).sort() } });
    return this.teams.update(team, body);
  }

  @Delete(':team')
  @HttpCode(204)
  @RequireRole('admin')
  @Audit('team.delete', 'team', 'team', { global: true })
  @ApiOperation({ summary: 'Deletes a team with its workflows, runs, secrets, keys and service accounts (admin). Recorded in the global audit chain.' })
  async delete(@CurrentTeam() team: TeamContext, @Req() req: MantisRequest) {
    annotateAudit(req, { details: { team_id: team.id } });
    await this.teams.delete(team);
  }
}
