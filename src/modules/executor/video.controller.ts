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

/** The run's recording: the webm video where one was recorded, else the Playwright trace. */
@ApiTags('runs')
@Controller()
export class VideoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ExecutorRepository) private readonly repo: ExecutorRepository,
  ) {}

  @Get(['v1/runs/:run_id/video', 'api/v1/teams/:team/runs/:run_id/video'])
  @TeamScoped()
  @RequireScopes('result')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "A run's recording",
    description:
      'Returns `video/webm` when the run was recorded on video, else the Playwright trace as `application/zip` ' +
      '(open it with `npx playwright show-trace`). The trace stops before the first secret is typed, so it never holds a secret value. ' +
      "404 `not_found` when the run has neither, or is not in the caller's team.",
  })
  async video(@CurrentTeam() team: TeamContext, @Param('run_id') runId: string, @Res() reply: MantisReply): Promise<void> {
    const artifacts = await this.repo.runArtifacts(team.id, runId);
    const pick = artifacts.find((a) => a.kind === 'video') ?? artifacts.find((a) => a.kind === 'trace');
    if (!pick) throw new ApiError('not_found', `Run ${runId} has no recording`);
    const root = join(this.config.dataDir, 'tenants', team.slug);
    const file = join(root, pick.path);
    if (!file.startsWith(root + sep)) throw new ApiError('not_found', `Run ${runId} has no recording`);
    const size = await stat(file)
      .then((s) => s.size)
      .catch(() => null);
    if (size === null) throw new ApiError('not_found', `Run ${runId} has no recording`);
    const ext = pick.kind === 'video' ? 'webm' : 'zip';
    reply
      .header('content-type', pick.contentType)
      .header('content-length', size)
      .header('content-disposition', `attachment; filename="${runId}.${ext}"`)
      .send(createReadStream(file));
  }
}
