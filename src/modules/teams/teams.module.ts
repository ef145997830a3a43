import { Module } from '@nestjs/common';
import { TeamDirectory } from '../../platform/auth/team-directory.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ExecutorModule } from '../executor/executor.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { TeamDirectoryRepository } from './team-directory.repository.js';
import { TeamsController } from './teams.controller.js';
import { TeamsRepository } from './teams.repository.js';
import { TeamsService } from './teams.service.js';

/** Teams and their settings; provides platform's TeamDirectory port (team guard, rate limit, user management). */
@Module({
  imports: [ApiKeysModule, ExecutorModule, WebhooksModule],
  controllers: [TeamsController],
  providers: [TeamsRepository, TeamsService, TeamDirectoryRepository, { provide: TeamDirectory, useExisting: TeamDirectoryRepository }],
  exports: [TeamsService, TeamDirectory],
})
export class TeamsModule {}
