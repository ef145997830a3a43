import { Module } from '@nestjs/common';
import { RunExecutor } from './executor.port.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { ArtifactRetentionService } from './artifact-retention.service.js';
import { ArtifactStore } from './artifact-store.js';
import { BrowserPool } from './browser-pool.js';
import { BrowserRunExecutor } from './browser-run-executor.js';
import { ExecutorRepository } from './executor.repository.js';
import { ScreenshotsController } from './screenshots.controller.js';
import { VideoController } from './video.controller.js';

/** Runs plans in Chromium: provides the `RunExecutor` port the runs dispatcher calls, and the artifact store. */
@Module({
  imports: [SecretsModule],
  controllers: [VideoController, ScreenshotsController],
  providers: [
    ExecutorRepository,
    BrowserPool,
    ArtifactStore,
    ArtifactRetentionService,
    BrowserRunExecutor,
    { provide: RunExecutor, useExisting: BrowserRunExecutor },
  ],
  exports: [RunExecutor, BrowserPool, ArtifactStore],
})
export class ExecutorModule {}
