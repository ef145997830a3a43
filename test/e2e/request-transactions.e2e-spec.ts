import type { Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsRequestInterceptor, REQUEST_INTERCEPTOR } from '../../src/modules/audit/request-transactions.js';
import { buildTestApp, type TestApp } from '../support/app.js';

/** The request interceptor is on every route that changes something, acts in a team or has a caller, and only there. */
describe('request transactions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  function routes() {
    const out: { name: string; controller: Type; handler: (...a: unknown[]) => unknown; interceptors: unknown[] }[] = [];
    for (const w of t.app.get(DiscoveryService).getControllers()) {
      const controller = w.metatype as Type;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        out.push({ name: `${controller.name}.${name}`, controller, handler, interceptors: Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [] });
      }
    }
    return out;
  }

  it('every state-changing or team-scoped route has the request interceptor, as its outermost interceptor', () => {
    const interceptor = REQUEST_INTERCEPTOR;
    const all = routes();
    const needing = all.filter((r) => needsRequestInterceptor(r.controller, r.handler));
    expect(needing.length).toBeGreaterThan(40);
    for (const r of needing) expect(r.interceptors[0], r.name).toBe(interceptor);
    for (const r of all.filter((x) => !needing.includes(x))) expect(r.interceptors, r.name).not.toContain(interceptor);
  });

  it('covers the routes a reader would expect, and leaves out reads that open no transaction', () => {
    const by = new Map(routes().map((r) => [r.name, needsRequestInterceptor(r.controller, r.handler)]));
    expect(by.get('RunsController.cancel')).toBe(true);
    expect(by.get('RunsController.logs')).toBe(true);
    expect(by.get('HealthController.live')).toBe(false);
    // Its reads scope themselves (@ScopedReads); a cached principal is confirmed by the last guard (PrincipalFreshness).
    expect(by.get('RunsController.get')).toBe(false);
    expect(by.get('RunsController.list')).toBe(false);
    expect(by.get('ExecutionsController.list')).toBe(false);
    expect(by.get('MeController.me')).toBe(false);
  });
});
