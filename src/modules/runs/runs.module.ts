import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { ExecutorModule } from '../executor/executor.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { DispatchRepository } from './dispatch.repository.js';
import { ExecutionsController } from './executions.controller.js';
import { PredictController } from './predict.controller.js';
import { installPredictMetrics } from './predict-metrics.js';
import { RunDispatcher } from './run-dispatcher.js';
import { RunEventNotifier } from './run-event-notifier.js';
import { RunEventStream } from './run-event-stream.js';
import { RunsController } from './runs.controller.js';
import { RunsRepository } from './runs.repository.js';
import { RunsService } from './runs.service.js';

@Module({
  imports: [WorkflowsModule, AuditModule, MetricsModule, ExecutorModule, WebhooksModule],
  controllers: [PredictController, RunsController, ExecutionsController],
  providers: [RunsService, RunsRepository, DispatchRepository, RunDispatcher, RunEventNotifier, RunEventStream],
  exports: [RunsService, RunDispatcher],
})
export class RunsModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance();
    if (fastify) installPredictMetrics(fastify, this.metrics);
  }
}
