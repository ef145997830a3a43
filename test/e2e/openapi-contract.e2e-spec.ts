import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };
  beforeAll(async () => {
    t = await buildTestApp();
    doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is a valid OpenAPI 3.1 document (schema and semantic checks of an independent validator)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // validate() dereferences in place: hand it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('declares every templated path parameter on every operation, team-scoped routes included', () => {
    const undeclared: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      for (const [method, op] of Object.entries(item)) {
        const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path' && p.required).map((p) => p.name));
        for (const n of names) if (!declared.has(n)) undeclared.push(`${method} ${path} {${n}}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect(doc.paths['/api/v1/teams/{team}/audit-events']!.get!.parameters!.map((p) => p.name)).toContain('team');
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('types the error code as the closed list of codes', () => {
    const code = doc.components.schemas.Error.properties.error.properties.code;
    expect(code.enum).toEqual(expect.arrayContaining(['validation_failed', 'not_found', 'rate_limited', 'invalid_token']));
    expect(code.enum).not.toContain('anything');
  });
});
