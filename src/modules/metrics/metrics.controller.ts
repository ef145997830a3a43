import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Public } from '../../platform/auth/auth.decorators.js';
import type { MantisReply } from '../../platform/http/request-context.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsService } from './metrics.service.js';

/**
 * Serves this app's own registry (MetricsService.registry) rather than
 * prom-client's global one, so several app instances in one process (tests,
 * `npm start` roles) never share or double-register metrics.
 */
@ApiTags('metrics')
@Controller('metrics')
@Public()
@UseGuards(MetricsAccessGuard)
export class MetricsController extends PrometheusController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {
    super();
  }

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Open unless MANTIS_METRICS_AUTH=admin (then admin principals only: 401 without valid credentials, 403 insufficient_role otherwise). ' +
      'Tenant metrics are labelled tenant_id (the team slug); no label ever holds a token, key, email or URL. ' +
      'mantis_http_request_duration_seconds is labelled by route template (e.g. /v1/runs/:run_id; "unmatched" for unknown paths). ' +
      'mantis_webhook_deliveries_total counts attempts by outcome: succeeded, retrying (a failed attempt that will be retried), ' +
      'failed (non-retryable answer or retries exhausted), refused (destination refused by the SSRF guard). ' +
      'Process metrics use the standard process_* and nodejs_* names.',
  })
  @ApiProduces('text/plain')
  override async index(@Res({ passthrough: true }) reply: MantisReply): Promise<string> {
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
