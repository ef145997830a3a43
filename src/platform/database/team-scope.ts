/** The role team-scoped transactions run as (created by the migrations; NOLOGIN, NOBYPASSRLS, owns nothing). */
export const APP_ROLE = 'mantis_app';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TxOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  /** false: a system scope without a transaction (see PrismaService.system). */
  transaction?: boolean;
}

/** One parameterized statement (`$n` placeholders) of a batch transaction. */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Statements another module adds to a batch transaction (an idempotency
 * record, an audit event), and what it does once that transaction committed.
 */
export interface TxPart {
  statements: Statement[];
  committed(): void;
}
