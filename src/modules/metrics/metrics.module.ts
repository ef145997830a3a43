import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IdentityModule } from '../identity/identity.module.js';
import { AuthFailureMetrics } from './auth-failure-metrics.js';
import { installHttpMetrics } from './http-metrics.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * The metric set (incremented where events happen, by the modules that
 * import this one), the auth-failure counters and `/metrics`, whose guard
 * authenticates through the identity module when MANTIS_METRICS_AUTH=admin.
 * The controller is this module's own (not PrometheusModule's), so its
 * guard and the metric set resolve here; MetricsService collects the
 * process metrics into the app's own registry.
 */
@Module({
  imports: [IdentityModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsAccessGuard, AuthFailureMetrics],
  exports: [MetricsService],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance();
    if (fastify) installHttpMetrics(fastify, this.metrics);
  }
}
