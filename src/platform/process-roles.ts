export type ProcessRole = 'api' | 'worker';

/** Injection token: the roles this process plays. */
export const PROCESS_ROLES = Symbol('PROCESS_ROLES');
