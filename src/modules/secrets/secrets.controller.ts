import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, RequireRole, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { putSecretSchema, secretListSchema, secretNameSchema, secretSchema, type PutSecretBody } from './secrets.schemas.js';
import { SecretsService } from './secrets.service.js';

/** Also reachable without the team in the path (team from X-Mantis-Team or the caller's only team). */
@ApiTags('secrets')
@TeamScoped()
@Controller(['api/v1/teams/:team/secrets', 'api/v1/secrets'])
export class SecretsController {
  constructor(@Inject(SecretsService) private readonly secrets: SecretsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: "Names of the team's secrets with their origins and timestamps; never values (any member)" })
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, secretListSchema)
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.secrets.list(team, q);
  }

  @Put(':name')
  @RequireRole('team_owner')
  @Audit('secret.update', 'secret', 'name')
  @ApiOperation({
    summary: 'Creates (201) or replaces (200) a secret; the value is encrypted and never returned',
    description:
      "A plan may use a secret only as `{{secrets.NAME}}` in a `fill` step's `value` (or by name in an `agent` step's `secrets`). " +
      "It is typed only into a page whose host matches `origins`, or, when it has none, the team's non-empty `allowed_domains`; " +
      'otherwise the run fails with `secret_origin_not_allowed` and nothing is typed.',
  })
  @ZodBody(putSecretSchema)
  @ZodResponse(201, secretSchema)
  async put(
    @CurrentTeam() team: TeamContext,
    @Param('name', new ZodPipe(secretNameSchema, 'path')) name: string,
    @Body(new ZodPipe(putSecretSchema)) body: PutSecretBody,
    @Req() req: MantisRequest,
    @Res({ passthrough: true }) reply: MantisReply,
  ) {
    const { created, secret } = await this.secrets.put(team, name, body.value, body.origins);
    annotateAudit(req, { details: { created, ...(body.origins ? { origins: body.origins } : {}) } });
    reply.status(created ? 201 : 200);
    return secret;
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireRole('team_owner')
  @Audit('secret.delete', 'secret', 'name')
  @ApiOperation({ summary: 'Deletes a secret' })
  async delete(@CurrentTeam() team: TeamContext, @Param('name', new ZodPipe(secretNameSchema, 'path')) name: string) {
    await this.secrets.delete(team, name);
  }
}
