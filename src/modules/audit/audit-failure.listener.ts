import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { FailedRequest } from '../../platform/http/request-events.js';
import { RequestEvents } from '../../platform/http/request-events.js';
import { STATE_CHANGING } from './audit-request.js';
import { AuditRoutes } from './audit-routes.js';
import { AuthDeniedAggregator } from './auth-denied-aggregator.js';
import { auditActionOf, isAudited } from './audit.decorator.js';
import { requestAudit } from '../../platform/http/request-audit.js';
import { AuditService } from './audit.service.js';

const DENIALS = new Set([401, 403, 404, 429]);

/**
 * Records state-changing requests that failed. Refused by a guard (401, 403,
 * 404 for a foreign team, 429): `denied`, 401s and pre-auth 429s as
 * `auth.denied` (aggregated per address and minute). Failed in the
 * handler: `denied` for 403 and 429, else `error`.
 */
@Injectable()
export class AuditFailureListener implements OnModuleInit {
  constructor(
    @Inject(RequestEvents) private readonly events: RequestEvents,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AuditRoutes) private readonly routes: AuditRoutes,
    @Inject(AuthDeniedAggregator) private readonly denials: AuthDeniedAggregator,
  ) {}

  onModuleInit(): void {
    this.events.onFailure((e) => this.onFailure(e));
  }

  private async onFailure({ req, status, code }: FailedRequest): Promise<void> {
    if (!STATE_CHANGING.has(req.method) || isAudited(req)) return;
    const route = req.routeOptions?.url;
    if (!route) return; // no such route: nothing could have changed
    const reached = requestAudit(req).reached;
    const handled = reached !== undefined;
    const spec = handled ? reached.spec : this.routes.lookup(req.method, route);
    const denied = handled ? status === 403 || status === 429 : DENIALS.has(status);
    const outcome = denied ? 'denied' : 'error';
    const event = this.audit.requestEvent(req, spec, outcome, status, { code });
    if (status === 401 || req.authFailure === 'rate_limited') {
      event.action = 'auth.denied';
      event.details = { ...event.details, attempted_action: auditActionOf(spec, req) };
      event.team = null;
      return this.denials.add(event); // one event per address and minute, with a count
    }
    await this.audit.recordSafely(event);
  }
}
