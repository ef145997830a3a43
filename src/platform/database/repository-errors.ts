import { Prisma } from '../../generated/prisma/client.js';

/**
 * Errors a repository reports in domain terms, so services never look at
 * Prisma error codes. A service that expects one translates it into the
 * `ApiError` its route documents; one that escapes is shaped by the error
 * filter (409 `conflict`, 404 `not_found`).
 */
export abstract class RepositoryError extends Error {}

/** A write would duplicate a unique key (a slug, an email, a name within a team). */
export class UniqueViolation extends RepositoryError {
  override readonly name = 'UniqueViolation';
  constructor(cause?: unknown) {
    super('unique constraint violated', { cause });
  }
}

/** The row a write names does not exist (any more). */
export class RecordNotFound extends RepositoryError {
  override readonly name = 'RecordNotFound';
  constructor(cause?: unknown) {
    super('record not found', { cause });
  }
}

/** The repository error for a Prisma error (P2002 unique, P2025 missing row); any other error as it is. */
export function repositoryError(e: unknown): unknown {
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    if (e.code === 'P2002') return new UniqueViolation(e);
    if (e.code === 'P2025') return new RecordNotFound(e);
  }
  return e;
}

/** Awaits a write, reporting Prisma's unique-key and missing-row errors as repository errors. */
export async function mapWriteErrors<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (e) {
    throw repositoryError(e);
  }
}

/**
 * The SQLSTATE and detail of a statement's error, as pg reports it (a batch
 * on the pool) or as Prisma wraps it (a raw statement in its transaction).
 */
export function sqlStateOf(e: unknown): { code: string; detail?: string } | undefined {
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = (e.meta as { driverAdapterError?: { cause?: { code?: unknown; detail?: unknown } } } | undefined)?.driverAdapterError?.cause;
    return typeof cause?.code === 'string' ? { code: cause.code, detail: typeof cause.detail === 'string' ? cause.detail : undefined } : undefined;
  }
  const pgError = e as { code?: unknown; detail?: unknown; severity?: unknown } | null;
  if (pgError && typeof pgError.code === 'string' && typeof pgError.severity === 'string') {
    return { code: pgError.code, detail: typeof pgError.detail === 'string' ? pgError.detail : undefined };
  }
  return undefined;
}
