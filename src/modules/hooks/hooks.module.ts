import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { HookTarget } from './hook-target.js';
import { HooksController } from './hooks.controller.js';
import { HooksRepository } from './hooks.repository.js';
import { HooksService } from './hooks.service.js';

@Module({
  imports: [RunsModule, WorkflowsModule],
  controllers: [HooksController],
  providers: [HooksService, HooksRepository, HookTarget],
})
export class HooksModule {}
