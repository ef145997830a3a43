import { createHash } from 'node:crypto';
import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { ApiHeader } from '@nestjs/swagger';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Tx } from '../database/prisma.service.js';
import { ApiError } from './api-error.js';
import { responseStatusOverride, setResponseStatus } from './idempotency-response.js';
import { IdempotencyStore, type IdempotencyScope } from './idempotency.store.js';
import type { MantisReply, MantisRequest } from './request-context.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const WHEN_KEY = 'mantis:idempotent-when';

/** Decides per request whether the key applies (e.g. only the `run` action of /v1/predict creates something). */
export type IdempotentWhen = (req: MantisRequest) => boolean;

/**
 * What a handler gets when its request carries an Idempotency-Key: it may
 * store its response inside the transaction that did the work, so the work
 * and the record commit together. Otherwise the interceptor stores the
 * handler's response after it returns.
 */
export interface IdempotencyHandle {
  complete(tx: Tx, status: number, body: unknown): Promise<void>;
  /**
   * For a batch transaction: the statement storing this response, and a
   * callback to confirm once that transaction committed.
   */
  completion(status: number, body: unknown): { statement: ReturnType<IdempotencyStore['completion']>; committed(): void };
}

type WithHandle = MantisRequest & { idempotency?: IdempotencyHandle };

export function idempotencyOf(req: MantisRequest): IdempotencyHandle | undefined {
  return (req as WithHandle).idempotency;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Method, path (with query) and the body with its keys sorted: a reordered body is the same request. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonical(body)}`)
    .digest('hex');
}

function readKey(req: MantisRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key.length < 1 || key.length > 255 || Array.isArray(raw)) {
    throw ApiError.validation('Idempotency-Key must be one value of 1 to 255 characters', {
      fields: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters', in: 'header' }],
    });
  }
  return key;
}

/**
 * Stripe-style idempotency for POSTs that create something (the OpenAPI description: runs): keys
 * scoped to the team (or the principal when the request has no team), kept
 * 24 hours and bound to the request's hash. A replay answers the stored status
 * and body with `Idempotent-Replayed: true`; another body with the same key is
 * 422; a key still in flight is 409. Failed requests (validation included)
 * store nothing, so the key can be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.run(ctx, next));
  }

  private async run(ctx: ExecutionContext, next: CallHandler): Promise<unknown> {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const reply = ctx.switchToHttp().getResponse<MantisReply>();
    const when = this.reflector.get<IdempotentWhen | undefined>(WHEN_KEY, ctx.getHandler());
    const applies = req.method === 'POST' && (!when || when(req));
    const key = applies ? readKey(req) : undefined;
    const scope = this.scopeOf(req);
    if (key === undefined || !scope) return lastValueFrom(next.handle(), { defaultValue: undefined });

    const begun = await this.store.begin(scope, key, requestHash(req.method, req.url, req.body));
    if (begun.kind === 'mismatch') {
      throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was used with a different request');
    }
    if (begun.kind === 'in_flight') {
      throw new ApiError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed');
    }
    if (begun.kind === 'replay') {
      for (const [k, v] of Object.entries(begun.response.headers)) reply.header(k, v);
      reply.header(REPLAYED_HEADER, 'true');
      setResponseStatus(req, begun.response.status);
      return begun.response.body;
    }

    let stored: { status: number; body: unknown } | undefined;
    const recordId = begun.recordId;
    (req as WithHandle).idempotency = {
      complete: async (tx, status, body) => {
        await this.store.complete(recordId, { status, body, headers: {} }, tx);
        stored = { status, body };
      },
      completion: (status, body) => ({
        statement: this.store.completion(recordId, { status, body, headers: {} }),
        committed: () => {
          stored = { status, body };
        },
      }),
    };
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      if (!stored) await this.store.release(recordId, scope);
      throw err;
    }
    const status = responseStatusOverride(req) ?? this.declaredStatus(ctx, req);
    if (!stored || stored.body !== body || stored.status !== status) {
      await this.store.complete(recordId, { status, body, headers: {} });
    }
    return body;
  }

  private scopeOf(req: MantisRequest): IdempotencyScope | undefined {
    if (req.team) return { teamId: req.team.id };
    if (req.principal) return { principalId: req.principal.userId };
    return undefined;
  }

  private declaredStatus(ctx: ExecutionContext, req: MantisRequest): number {
    const code = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) as number | undefined;
    return code ?? (req.method === 'POST' ? 201 : 200);
  }
}

/** Marks a creating POST as idempotent under `Idempotency-Key`. */
export const Idempotent = (when?: IdempotentWhen) =>
  applyDecorators(
    SetMetadata(WHEN_KEY, when),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        '1 to 255 characters. Scoped to the team (or to the caller outside any team) for 24 hours and bound to the request ' +
        '(method, path and body). The same key and body replay the first successful response with `Idempotent-Replayed: true`; ' +
        'another body is 422 `idempotency_key_reused`; a key still in flight is 409 `idempotency_in_flight`. ' +
        'A request that fails stores nothing, so the key may be retried.',
    }),
  );
