import type { ZodError } from 'zod';

export interface FieldError {
  field: string;
  message: string;
  in: string;
}

export function zodDetails(error: ZodError, where = 'body'): { fields: FieldError[] } {
  return {
    fields: error.issues.map((i) => ({
      field: i.path.map(String).join('.') || '(root)',
      message: i.message,
      in: where,
    })),
  };
}
