import type { CallHandler, ExecutionContext, INestApplication, NestInterceptor, Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { TEAM_SCOPED_KEY } from '../../platform/auth/auth.decorators.js';
import { OWN_TRANSACTION_KEY } from '../../platform/database/own-transaction.js';
import { AuditInterceptor } from './audit.interceptor.js';

const READ_METHODS = new Set([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS]);

/**
 * Whether a route needs the interceptor: it changes something (its
 * transaction and success event) or reads inside a team (its team
 * transaction), unless its reads scope themselves (`@ScopedReads`).
 */
export function needsRequestInterceptor(controller: Type, handler: (...args: unknown[]) => unknown): boolean {
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
  if (!READ_METHODS.has(method)) return true;
  if (Reflect.getMetadata(OWN_TRANSACTION_KEY, handler) === 'reads') return false;
  if (Reflect.getMetadata(TEAM_SCOPED_KEY, handler) ?? Reflect.getMetadata(TEAM_SCOPED_KEY, controller)) return true;
  const paths = [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)].flat();
  return paths.some((p) => typeof p === 'string' && /(^|\/):team(\/|$)/.test(p));
}

/**
 * Puts the AuditInterceptor (the request's transaction and its success
 * event) on every route that needs it, as the outermost of the route's own
 * interceptors, and on no other. A global
 * interceptor would cost every request Nest's interceptor chain (rxjs), a
 * tenth of a public route's CPU time in the profile (bench/README.md), on
 * routes such as `/healthz` where it does nothing. Runs before `app.init()`,
 * which builds the routes' execution contexts.
 */
export function attachRequestTransactions(app: INestApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.decorate(APP_INTERCEPTOR_KEY, app.get(AuditInterceptor));
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const controller = wrapper.metatype as Type | undefined;
    if (!controller?.prototype) continue;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      if (!needsRequestInterceptor(controller, handler as (...args: unknown[]) => unknown)) continue;
      const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
      if (!own.includes(REQUEST_INTERCEPTOR)) Reflect.defineMetadata(INTERCEPTORS_METADATA, [REQUEST_INTERCEPTOR, ...own], handler);
    }
  }
}

const APP_INTERCEPTOR_KEY = 'mantisRequestInterceptor';

/**
 * What the routes' metadata holds. Metadata belongs to the controller class,
 * shared by every app in the process (the tests run several), so it names no
 * app's interceptor: each request is handed to the AuditInterceptor of the
 * app that received it, found on that app's Fastify instance.
 */
export const REQUEST_INTERCEPTOR: NestInterceptor = {
  intercept(ctx: ExecutionContext, next: CallHandler) {
    const req = ctx.switchToHttp().getRequest<{ server?: Record<string, unknown> }>();
    const own = req.server?.[APP_INTERCEPTOR_KEY] as NestInterceptor | undefined;
    if (!own) throw new Error('request interceptor: this app did not attach its AuditInterceptor');
    return own.intercept(ctx, next);
  },
};
