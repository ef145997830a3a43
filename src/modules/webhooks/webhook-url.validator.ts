import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';
import { checkDestination, type Resolver } from './webhook-destination.js';

/**
 * Registration-time check of a webhook destination (a team's `webhook_url`, a
 * run's `callback_url`): http(s), no credentials, and no private, loopback,
 * link-local, CGNAT, unique-local, multicast or unspecified address, literal or
 * resolved, unless MANTIS_WEBHOOK_ALLOW_PRIVATE=true. A name that does not
 * resolve yet is accepted; every delivery checks again and pins the address.
 */
@Injectable()
export class WebhookUrlValidator {
  /** Tests substitute DNS here. */
  resolver?: Resolver;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Null when acceptable, else the reason (never containing the URL). */
  async problem(url: string): Promise<string | null> {
    const res = await checkDestination(url, this.config.webhooks.allowPrivate, this.resolver);
    if (res.ok || res.retryable) return null;
    return res.reason;
  }

  /** Throws 400 validation_failed naming `field` when the URL may not receive webhooks. An empty string is allowed (unset). */
  async assertAllowed(url: string | null | undefined, field: string, where: 'body' | 'query' | 'path' = 'body'): Promise<void> {
    if (url === null || url === undefined || url === '') return;
    const reason = await this.problem(url);
    if (reason) throw ApiError.validation('Invalid webhook destination', { fields: [{ field, message: reason, in: where }] });
  }
}
