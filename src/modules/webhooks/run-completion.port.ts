import type { Tx } from '../../platform/database/prisma.service.js';

/**
 * Called by the runs module inside the transaction that makes a run terminal:
 * writes the outbox row (a `run.completed` delivery) so no delivery is lost.
 * `runObject` is the public run object of the OpenAPI description (runs).
 */
export abstract class RunCompletionNotifier {
  abstract enqueue(tx: Tx, teamId: string, runObject: Record<string, unknown>, callbackUrl: string | null): Promise<void>;
}
