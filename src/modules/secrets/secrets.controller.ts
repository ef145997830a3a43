import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, RequireRole, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodResponse } from '../../platform/http/openapi.js';
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
  @ApiOperation({ summary: "Names of the team's secrets with their timestamps; never values (any member)" })
  @ZodResponse(200, secretListSchema)
  async list(@CurrentTeam() team: TeamContext) {
    return { data: await this.secrets.list(team) };
  }

  @Put(':name')
  @RequireRole('team_owner')
  @Audit('secret.update', 'secret', 'name')
  @ApiOperation({ summary: 'Creates (201) or replaces (200) a secret; the value is encrypted and never returned' })
  @ZodBody(putSecretSchema)
  @ZodResponse(201, secretSchema)
  async put(
    @CurrentTeam() team: TeamContext,
    @Param('name', new ZodPipe(secretNameSchema, 'path')) name: string,
    @Body(new ZodPipe(putSecretSchema)) body: PutSecretBody,
    @Req() req: MantisRequest,
    @Res({ passthrough: true }) reply: MantisReply,
  ) {
    const { created, secret } = await this.secrets.put(team, name, body.value);
    annotateAudit(req, { details: { created } });
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
