import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { TeamMembersService } from './team-members.service.js';
import { addMemberSchema, emailSchema, memberListSchema, memberSchema, type AddMemberBody } from './users.schemas.js';

@ApiTags('teams')
@Controller('api/v1/teams/:team/members')
export class MembersController {
  constructor(@Inject(TeamMembersService) private readonly members: TeamMembersService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The team’s members and their roles (any member)' })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, memberListSchema)
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.members.list(team, q);
  }

  @Post()
  @RequireRole('team_owner')
  @Audit('member.add', 'user')
  @ApiOperation({
    summary: 'Adds a user to the team (creating it when new, with `name`); a team_owner may give viewer, operator or auditor',
    description:
      'A team_owner may add only users that are new (created here); adding an existing user, another team’s member or owner included, is admin only (403 insufficient_role).',
  })
  @ZodBody(addMemberSchema)
  @ZodResponse(201, memberSchema)
  add(@CurrentPrincipal() p: Principal, @CurrentTeam() team: TeamContext, @Body(new ZodPipe(addMemberSchema)) body: AddMemberBody, @Req() req: MantisRequest) {
    annotateAudit(req, { targetId: body.email, details: { role: body.role } });
    return this.members.add(p, team, body);
  }

  @Delete(':email')
  @HttpCode(204)
  @RequireRole('team_owner')
  @Audit('member.remove', 'user', 'email')
  @ApiOperation({ summary: 'Removes a member from the team (a service account is deleted with its keys)' })
  async remove(@CurrentPrincipal() p: Principal, @CurrentTeam() team: TeamContext, @Param('email', new ZodPipe(emailSchema, 'path')) email: string) {
    await this.members.remove(p, team, email);
  }
}
