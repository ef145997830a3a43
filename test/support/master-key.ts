/**
 * The master key test processes use unless a test sets its own: with
 * DATABASE_URL set one is required, and every process on a database must agree.
 */
export const TEST_MASTER_KEY = Buffer.alloc(32, 0x6d).toString('base64');
