import { SetMetadata } from '@nestjs/common';

export const OWN_TRANSACTION_KEY = 'mantis:own-transaction';

/**
 * The handler is not run inside one request transaction: it waits for other
 * processes to act on what it committed (a synchronous predict, a cancel that
 * waits for the worker) or streams for long. It commits its change and event
 * itself (`AuditService.commit`), and its other queries run outside any scope.
 */
export const OwnTransaction = () => SetMetadata(OWN_TRANSACTION_KEY, true);
