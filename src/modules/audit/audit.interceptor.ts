import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { concatMap, from, lastValueFrom, type Observable } from 'rxjs';
import { TEAM_SCOPED_KEY } from '../../platform/auth/auth.decorators.js';
import { OWN_TRANSACTION_KEY } from '../../platform/database/own-transaction.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { requestAudit } from '../../platform/http/request-audit.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { STATE_CHANGING } from './audit-request.js';
import { AUDIT_KEY, type AuditSpec } from './audit.decorator.js';
import { AuditService } from './audit.service.js';

/**
 * The request's transaction and its success event. A team-scoped request runs
 * its handler in `withTeam(team)` (row-level security holds for every query it
 * makes); a state-changing request outside any team in the system path. The
 * success event of a state-changing request is appended in that transaction
 * before it commits: if the event cannot be written, the change rolls back and
 * the caller gets the error. Failures are recorded by the failure listener.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const changing = STATE_CHANGING.has(req.method);
    const spec = this.reflector.getAllAndOverride<AuditSpec | undefined>(AUDIT_KEY, [ctx.getHandler(), ctx.getClass()]) ?? null;
    const state = requestAudit(req);
    state.reached = { spec };
    const own = this.reflector.get<boolean | 'reads' | undefined>(OWN_TRANSACTION_KEY, ctx.getHandler());
    // Team-scoped routes act inside their team; others (admin listings, /me) use the system path when they change something.
    const teamScoped =
      !!this.reflector.getAllAndOverride<boolean>(TEAM_SCOPED_KEY, [ctx.getHandler(), ctx.getClass()]) || 'team' in ((req.params ?? {}) as object);
    const team = teamScoped ? req.team : undefined;
    // A read outside a team, or whose queries scope themselves (`@ScopedReads`), opens no request transaction.
    if (!changing && (!team || own === 'reads')) return next.handle();

    const reply = ctx.switchToHttp().getResponse<MantisReply>();
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler());
    const statusOf = () => (reply.statusCode !== HttpStatus.OK ? reply.statusCode : (declared ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK)));
    if (own) {
      // The handler commits its change with `AuditService.commit`; one that does not (a streamed chat answer) is recorded after it.
      return next.handle().pipe(
        concatMap(async (value) => {
          if (changing && !state.recorded) {
            await this.audit.recordRequest(req, 'success', statusOf());
            state.recorded = true;
          }
          return value;
        }),
      );
    }
    const work = async () => {
      const value = await lastValueFrom(next.handle(), { defaultValue: undefined });
      if (changing && !state.recorded) await this.audit.recordRequest(req, 'success', statusOf());
      return value;
    };
    const scoped = team ? this.prisma.withTeam(team.id, work) : this.prisma.system(work);
    return from(
      scoped.then((value) => {
        if (changing) state.recorded = true;
        return value;
      }),
    );
  }
}
