import { Global, Module } from '@nestjs/common';
import { RunCompletionNotifier } from './run-completion.port.js';
import { WebhookOutbox } from './webhook-outbox.js';

/** Outbound webhooks: the outbox writer (global, for the runs module), the sender loop and the delivery log. */
@Global()
@Module({
  providers: [WebhookOutbox, { provide: RunCompletionNotifier, useExisting: WebhookOutbox }],
  exports: [RunCompletionNotifier],
})
export class WebhooksModule {}
