import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { RequestEvents, type FailedRequest } from '../../platform/http/request-events.js';
import { MetricsService } from './metrics.service.js';

/**
 * Counts refused credentials from the failed requests the error filter
 * reports: the credentials resolver only notes the reason on the request
 * (`authFailure`), so authentication knows nothing of metrics.
 */
@Injectable()
export class AuthFailureMetrics implements OnModuleInit {
  constructor(
    @Inject(RequestEvents) private readonly events: RequestEvents,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.events.onFailure((e) => this.count(e));
  }

  private count({ req }: FailedRequest): void {
    const reason = req.authFailure;
    if (!reason) return;
    if (reason === 'rate_limited') this.metrics.preauthLimited.inc();
    else this.metrics.authFailures.inc({ reason });
  }
}
