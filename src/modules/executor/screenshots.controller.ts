import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CurrentTeam, RequireRole, RequireScopes, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { MantisReply } from '../../platform/http/request-context.js';
import { ExecutorRepository } from './executor.repository.js';

/** One screenshot a run saved (a `screenshot` step or the agent's tool), by its name. */
@ApiTags('runs')
@Controller()
export class ScreenshotsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ExecutorRepository) private readonly repo: ExecutorRepository,
  ) {}

  @Get(['v1/runs/:run_id/screenshots/:name', 'api/v1/teams/:team/runs/:run_id/screenshots/:name'])
  @TeamScoped()
  @RequireScopes('result')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "A run's screenshot, as PNG",
    description:
      "The names are those of the `artifact.saved` events (`kind` `screenshot`) and of the result's `screenshots`. 404 `not_found` for an unknown name or another team's run.",
  })
  async screenshot(@CurrentTeam() team: TeamContext, @Param('run_id') runId: string, @Param('name') name: string, @Res() reply: MantisReply): Promise<void> {
    const artifacts = await this.repo.runArtifacts(team.id, runId);
    const pick = artifacts.find((a) => a.kind === 'screenshot' && a.name === name);
    const missing = () => new ApiError('not_found', `Run ${runId} has no screenshot named ${JSON.stringify(name.slice(0, 100))}`);
    if (!pick) throw missing();
    const root = join(this.config.dataDir, 'tenants', team.slug);
    const file = join(root, pick.path);
    if (!file.startsWith(root + sep)) throw missing();
    const size = await stat(file)
      .then((s) => s.size)
      .catch(() => null);
    if (size === null) throw missing();
    reply
      .header('content-type', 'image/png')
      .header('content-length', size)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=3600')
      .send(createReadStream(file));
  }
}
