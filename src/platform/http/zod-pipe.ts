import { PipeTransform } from '@nestjs/common';
import type { ZodType } from 'zod';
import { ApiError } from './api-error.js';
import { zodDetails } from './zod-details.js';

/** `@Body(new ZodPipe(schema))`: parses with zod, 400 validation_failed listing the fields. */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T>,
    private readonly where: 'body' | 'query' | 'path' = 'body',
  ) {}

  transform(value: unknown): T {
    const parsed = this.schema.safeParse(value ?? (this.where === 'body' ? undefined : {}));
    if (!parsed.success) {
      throw ApiError.validation(`Invalid request ${this.where}`, zodDetails(parsed.error, this.where));
    }
    return parsed.data;
  }
}

/** Parse outside a pipe (e.g. a body whose schema depends on another field). */
export function parseWith<T>(schema: ZodType<T>, value: unknown, where: 'body' | 'query' | 'path' = 'body'): T {
  return new ZodPipe(schema, where).transform(value);
}
