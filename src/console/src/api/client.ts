import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** The console's only way to the server: the public API, typed from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

let csrfToken: string | null = null;

/** Kept from GET /auth/session; sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
});

/** An API error as the contract shapes it. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Unwraps an openapi-fetch answer: the data, or an ApiFailure with the server's code and message. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const e = (error as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new ApiFailure(response.status, e?.code ?? 'http_error', e?.message ?? `The server answered ${response.status}`);
}

/** Where a team-scoped path lives, for plain links and media elements (which send the cookie themselves). */
export const teamPath = (team: string, rest: string) => `/api/v1/teams/${encodeURIComponent(team)}/${rest}`;
