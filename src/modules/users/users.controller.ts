import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/auth.decorators.js';
import type { Principal } from '../../platform/auth/principal.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import {
  assignRoleSchema,
  createUserSchema,
  emailSchema,
  listUsersQuerySchema,
  userListSchema,
  userSchema,
  type AssignRoleBody,
  type CreateUserBody,
  type ListUsersQuery,
} from './users.schemas.js';
import { UsersService } from './users.service.js';

const emailParam = new ZodPipe(emailSchema, 'path');

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Post()
  @Audit('user.create', 'user')
  @ApiOperation({
    summary: 'Creates a user in a team with a role',
    description:
      'Admins: any role, `admin` included (a global admin who is also team_owner of `team`). A team_owner: viewer, operator or auditor in its own team. ' +
      'An email already taken is 409 (for a team_owner, 403 insufficient_role when that user is not in its team); an admin adds an existing user ' +
      'to another team with PUT /api/v1/users/{email}/role or POST /api/v1/teams/{team}/members.',
  })
  @ZodBody(createUserSchema)
  @ZodResponse(201, userSchema)
  async create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(createUserSchema)) body: CreateUserBody, @Req() req: MantisRequest) {
    const team = await this.users.visibleTeam(p, body.team).catch(() => null);
    annotateAudit(req, { team: team ?? null, targetId: body.email, details: { role: body.role } });
    return this.users.create(p, body);
  }

  @Get()
  @ApiOperation({ summary: 'Users: every user for admins; members of the teams it owns for a team_owner' })
  @ZodQuery(listUsersQuerySchema)
  @ZodResponse(200, userListSchema)
  list(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(listUsersQuerySchema, 'query')) q: ListUsersQuery) {
    return this.users.list(p, q);
  }

  @Get(':email')
  @ApiOperation({ summary: 'A user: themself, admins, or an owner of one of its teams' })
  @ZodResponse(200, userSchema)
  get(@CurrentPrincipal() p: Principal, @Param('email', emailParam) email: string) {
    return this.users.get(p, email);
  }

  @Delete(':email')
  @HttpCode(204)
  @Audit('user.delete', 'user', 'email')
  @ApiOperation({
    summary: 'Deletes a user; its API keys stop working at once',
    description: 'Admins: anyone but themselves. A team_owner: a non-owner user who belongs to none but its own teams.',
  })
  async delete(@CurrentPrincipal() p: Principal, @Param('email', emailParam) email: string, @Req() req: MantisRequest) {
    const user = await this.users.delete(p, email);
    const only = user.memberships.length === 1 ? user.memberships[0] : undefined;
    annotateAudit(req, { team: only ? { id: only.teamId, slug: only.teamSlug } : null, details: { teams: user.memberships.map((m) => m.teamSlug) } });
  }

  @Put(':email/role')
  @Audit('role.assign', 'user', 'email')
  @ApiOperation({
    summary: 'Sets a user’s role in a team (adding the membership if needed)',
    description:
      'Admins: any role in any team; `role: "admin"` grants the global admin flag (no team needed). ' +
      'A team_owner: viewer, operator or auditor, for users already in its own team, and never for a co-owner or an admin; ' +
      'adding a user who is not yet in the team this way is admin only (403 insufficient_role).',
  })
  @ZodBody(assignRoleSchema)
  @ZodResponse(200, userSchema)
  async assign(
    @CurrentPrincipal() p: Principal,
    @Param('email', emailParam) email: string,
    @Body(new ZodPipe(assignRoleSchema)) body: AssignRoleBody,
    @Req() req: MantisRequest,
  ) {
    const named = body.team ? await this.users.visibleTeam(p, body.team).catch(() => null) : undefined;
    annotateAudit(req, {
      team: body.role === 'admin' ? null : (named ?? (req.team ? { id: req.team.id, slug: req.team.slug } : null)),
      details: { role: body.role },
    });
    const { user, team, previous } = await this.users.assignRole(p, email, body, req.team);
    annotateAudit(req, { team, details: { role: body.role, previous_role: previous } });
    return user;
  }
}
