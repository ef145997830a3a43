import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, RequireRole, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { Audit } from '../audit/audit.decorator.js';
import { AuditService } from '../audit/audit.service.js';
import { deliveryIdSchema, deliveryListSchema, deliverySchema, listDeliveriesQuery, type ListDeliveriesQuery } from './webhooks.schemas.js';
import { WebhooksService } from './webhooks.service.js';

const DESCRIPTION = [
  'Outbound `run.completed` webhooks (Standard Webhooks). Headers: `webhook-id` (this delivery id, stable across retries),',
  '`webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the team secret named',
  '`webhook_secret_name`. Rotation: keep the old secret under `<name>_previous` while receivers switch; both signatures are',
  'sent, space-separated, current first. No secret name configured: sent unsigned. A configured secret that does not resolve',
  'is retried like a network error. Attempts follow MANTIS_WEBHOOK_RETRY_SCHEDULE (seconds before attempt 1, 2, …; default',
  '0,5,300,1800,7200,18000,36000,36000) with ±20% jitter; a longer Retry-After is honoured (at most 24 h). Network errors,',
  'timeouts (MANTIS_WEBHOOK_TIMEOUT_MS, 15 s), 5xx and 429 are retried; redirects are not followed and, like other 4xx, fail',
  'the delivery at once. Destinations in private, loopback, link-local, CGNAT, unique-local, multicast or unspecified ranges',
  '(also as IPv4-mapped IPv6) are refused (status `refused`, not retried) unless MANTIS_WEBHOOK_ALLOW_PRIVATE=true.',
].join(' ');

/** The team's delivery log and manual retry; also reachable without the team in the path. */
@ApiTags('webhooks')
@TeamScoped()
@Controller(['api/v1/teams/:team/webhook-deliveries', 'api/v1/webhook-deliveries'])
export class WebhooksController {
  constructor(
    @Inject(WebhooksService) private readonly webhooks: WebhooksService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get()
  @RequireRole('team_owner')
  @ApiOperation({ summary: "The team's webhook deliveries, newest first (each read is audited as webhook_delivery.list)", description: DESCRIPTION })
  @ZodQuery(listDeliveriesQuery)
  @ZodResponse(200, deliveryListSchema)
  async list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listDeliveriesQuery, 'query')) q: ListDeliveriesQuery, @Req() req: MantisRequest) {
    const page = await this.webhooks.list(team, q);
    // The log shows destinations and receivers' answers: reads are recorded too.
    await this.audit.recordSafely(
      this.audit.fromRequest(req, {
        action: 'webhook_delivery.list',
        outcome: 'success',
        status: 200,
        target: { type: 'webhook_delivery', id: null },
        details: { count: page.data.length },
      }),
    );
    return page;
  }

  @Post(':id/retry')
  @HttpCode(202)
  @RequireRole('team_owner')
  @Audit('webhook_delivery.retry', 'webhook_delivery', 'id')
  @ApiOperation({
    summary: 'Sends a delivery again now, with a fresh retry schedule',
    description: 'Any status may be retried (a succeeded delivery is resent with the same webhook-id). 409 while an attempt is in flight.',
  })
  @ZodResponse(202, deliverySchema)
  retry(@CurrentTeam() team: TeamContext, @Param('id', new ZodPipe(deliveryIdSchema, 'path')) id: string) {
    return this.webhooks.retry(team, id);
  }
}
