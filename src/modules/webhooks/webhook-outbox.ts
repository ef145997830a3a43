import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/database/prisma.service.js';
import { RunCompletionNotifier } from './run-completion.port.js';

export const RUN_COMPLETED = 'run.completed';

/** `msg_` + 24 random alphanumerics: the delivery id and the stable `webhook-id` header. */
export function newMessageId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let out = 'msg_';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/**
 * The outbox side of webhooks: writes the delivery row inside the caller's
 * transaction, so a run never becomes terminal without its delivery stored.
 * The sender loop picks the row up; nothing is sent here.
 */
@Injectable()
export class WebhookOutbox extends RunCompletionNotifier {
  async enqueue(tx: Tx, teamId: string, runObject: Record<string, unknown>, callbackUrl: string | null): Promise<void> {
    let url = callbackUrl?.trim() || '';
    if (!url) {
      const team = await tx.team.findUnique({ where: { id: teamId }, select: { webhookUrl: true } });
      url = team?.webhookUrl?.trim() || '';
    }
    if (!url) return;
    const runId = typeof runObject.run_id === 'string' ? runObject.run_id : null;
    await tx.webhookDelivery.create({
      data: {
        id: newMessageId(),
        teamId,
        runId,
        url,
        eventType: RUN_COMPLETED,
        payload: { type: RUN_COMPLETED, timestamp: new Date().toISOString(), data: runObject } as object,
      },
    });
  }
}
