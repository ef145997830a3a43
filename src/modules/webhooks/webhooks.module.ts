import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { RunCompletionNotifier } from './run-completion.port.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookSigner } from './webhook-signer.js';
import { WebhookUrlValidator } from './webhook-url.validator.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Outbound webhooks: the outbox writer (RunCompletionNotifier, for the runs
 * module), the destination validator (for whoever registers a webhook URL),
 * the sender loop of worker processes, and the delivery log.
 */
@Module({
  imports: [AuditModule, MetricsModule, SecretsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookOutbox,
    { provide: RunCompletionNotifier, useExisting: WebhookOutbox },
    WebhookUrlValidator,
    WebhooksRepository,
    WebhookSigner,
    WebhookSender,
    WebhooksService,
  ],
  exports: [RunCompletionNotifier, WebhookUrlValidator],
})
export class WebhooksModule {}
