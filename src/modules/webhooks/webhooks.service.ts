import { Inject, Injectable } from '@nestjs/common';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { Delivery, ListDeliveriesQuery } from './webhooks.schemas.js';
import { WebhooksRepository, type DeliveryRow } from './webhooks.repository.js';

/** The delivery log of a team and manual retries. */
@Injectable()
export class WebhooksService {
  constructor(@Inject(WebhooksRepository) private readonly repo: WebhooksRepository) {}

  async list(team: TeamContext, q: ListDeliveriesQuery): Promise<{ data: Delivery[]; next_cursor: string | null }> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.repo.list(team.id, { status: q.status, limit: q.limit + 1, after });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { data: page.map(toDelivery), next_cursor: rows.length > q.limit && last ? encodeCursor(last) : null };
  }

  /**
   * Schedules a delivery for an immediate attempt with a fresh retry schedule,
   * whatever its status (a failed or refused one, or a succeeded one to resend).
   * 409 while an attempt is in flight; 404 for another team's delivery.
   */
  async retry(team: TeamContext, id: string): Promise<Delivery> {
    const existing = await this.repo.find(team.id, id);
    if (!existing) throw ApiError.notFound('webhook delivery');
    const row = await this.repo.requeue(team.id, id);
    if (!row) throw new ApiError('conflict', 'An attempt of this delivery is in flight; retry when it has finished');
    return toDelivery(row);
  }
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    run_id: r.runId,
    event_type: r.eventType,
    url: r.url,
    status: r.status as Delivery['status'],
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    last_attempt_at: r.lastAttemptAt?.toISOString() ?? null,
    last_status_code: r.lastStatusCode,
    last_error: r.lastError,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function encodeCursor(r: DeliveryRow): string {
  return Buffer.from(`${r.createdAt.toISOString()}|${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(ts ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw ApiError.validation('Invalid request query', { fields: [{ field: 'cursor', message: 'not a cursor from this list', in: 'query' }] });
  }
  return { createdAt, id };
}
