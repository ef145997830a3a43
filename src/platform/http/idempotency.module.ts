import { Global, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { installResponseStatusHook } from './idempotency-response.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';

/**
 * Idempotency for creating POSTs, available to every feature through
 * `@Idempotent()`. Global on purpose: it is request plumbing like the
 * database, used by a decorator on any controller, and depends on no feature.
 */
@Global()
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance();
    if (fastify) installResponseStatusHook(fastify);
  }
}
