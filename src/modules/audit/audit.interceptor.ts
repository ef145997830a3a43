import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { concatMap, type Observable } from 'rxjs';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { STATE_CHANGING } from './audit-request.js';
import { AUDIT_KEY, auditActionOf, auditAnnotation, isAudited, type AuditSpec } from './audit.decorator.js';
import { AuditService } from './audit.service.js';

/** The spec of requests that got past the guards (the failure listener reads it). */
export const reachedHandler = new WeakMap<object, AuditSpec | null>();

/**
 * Records one event for every successful state-changing request. Failures
 * (guards' denials and handlers' errors alike) are recorded by the listener
 * on the error filter's failure events, so each request yields exactly one event.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    if (!STATE_CHANGING.has(req.method)) return next.handle();
    const targets = [ctx.getHandler(), ctx.getClass()];
    const spec = this.reflector.getAllAndOverride<AuditSpec | undefined>(AUDIT_KEY, targets) ?? null;
    reachedHandler.set(req, spec);
    const reply = ctx.switchToHttp().getResponse<MantisReply>();
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler());
    return next.handle().pipe(
      concatMap(async (value) => {
        if (isAudited(req)) return value;
        const status = reply.statusCode !== HttpStatus.OK ? reply.statusCode : (declared ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK));
        await this.audit.recordSafely(requestEvent(this.audit, req, spec, 'success', status));
        return value;
      }),
    );
  }
}

/** The event for a request: action and target from `@Audit`, refined by the handler's annotations. */
export function requestEvent(audit: AuditService, req: MantisRequest, spec: AuditSpec | null | undefined, outcome: 'success' | 'denied' | 'error', status: number, extra: Record<string, unknown> = {}) {
  const note = auditAnnotation(req);
  const params = (req.params ?? {}) as Record<string, string>;
  const route = req.routeOptions?.url;
  const action = auditActionOf(spec, req) ?? `http.${req.method.toLowerCase()}`;
  const targetId = note.targetId ?? (spec?.targetParam ? params[spec.targetParam] : undefined);
  return audit.fromRequest(req, {
    action,
    outcome,
    status,
    team: spec?.global ? null : note.team,
    target: { type: note.targetType ?? spec?.targetType ?? null, id: targetId ?? null },
    details: { method: req.method, route, ...extra, ...note.details },
  });
}
