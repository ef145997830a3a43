import { z } from 'zod';
import { pageLimit } from '../../platform/http/pagination.js';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'refused'] as const;

export const listDeliveriesQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: pageLimit(100, 50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const deliveryIdSchema = z.string().regex(/^msg_[A-Za-z0-9]{1,64}$/, { message: 'must be a delivery id (msg_…)' });

export const deliverySchema = z.object({
  id: z.string().describe('Also the webhook-id header, stable across retries'),
  run_id: z.string().nullable(),
  event_type: z.string(),
  url: z.string(),
  status: z.enum(DELIVERY_STATUSES).describe('refused: the SSRF guard refused the destination; not retried'),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable().describe('When the next attempt is due; null unless pending'),
  last_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryListSchema = z.object({ data: z.array(deliverySchema), next_cursor: z.string().nullable() });
