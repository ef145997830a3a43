import { SetMetadata } from '@nestjs/common';

export const OWN_TRANSACTION_KEY = 'mantis:own-transaction';

/**
 * The handler is not run inside one request transaction: it waits for other
 * processes to act on what it committed (a synchronous predict, a cancel that
 * waits for the worker) or streams for long. It commits its change and event
 * itself (`AuditService.commit`), and its other queries run outside any scope.
 */
export const OwnTransaction = () => SetMetadata(OWN_TRANSACTION_KEY, true);

/**
 * A read-only handler whose every query scopes itself to the team
 * (`PrismaService.teamRead`): no request transaction is opened around it,
 * which on the hottest reads (a run's status, polled) saves the query engine's
 * interactive transaction. Any other query such a handler made would run
 * outside row-level security, so only handlers that make none carry this.
 */
export const ScopedReads = () => SetMetadata(OWN_TRANSACTION_KEY, 'reads');
