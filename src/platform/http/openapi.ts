import { applyDecorators } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiBody, ApiQuery, ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { z, type ZodType } from 'zod';

type JsonSchema = Record<string, unknown>;

export function jsonSchema(schema: ZodType): JsonSchema {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
}

/** Documents a request body from the same zod schema that validates it. */
export const ZodBody = (schema: ZodType, description?: string) => ApiBody({ schema: jsonSchema(schema) as never, description });

/** Documents a response from a zod schema. */
export const ZodResponse = (status: number, schema: ZodType, description = '') =>
  ApiResponse({ status, description, schema: jsonSchema(schema) as never });

/** Documents each query parameter of a zod object schema. */
export function ZodQuery(schema: z.ZodObject): MethodDecorator {
  const decorators = Object.entries(schema.shape).map(([name, field]) =>
    ApiQuery({ name, required: !(field as ZodType).safeParse(undefined).success, schema: jsonSchema(field as ZodType) as never }),
  );
  return applyDecorators(...decorators);
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string', example: 'not_found' },
        message: { type: 'string' },
        request_id: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** Serves the OpenAPI UI at /docs and the document at /docs/json. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('Mantis API')
    .setDescription(
      [
        'Multi-tenant control plane for browser-agent runs.',
        '',
        'Authenticate with `X-Mantis-Token: <token>` (an `mk_` key, a tenant token or the single-tenant token) or',
        '`Authorization: Bearer <token>` (an `mk_` key, or an OIDC JWT). Every error has the shape',
        '`{"error": {"code", "message", "request_id", "details"?}}` and every response carries `X-Request-Id`.',
        'Team-scoped routes act in the team of the path, of `X-Mantis-Team`, or the caller\'s only team.',
        '',
        'Credentials, as read here: a non-empty `X-Mantis-Token` always wins and `Authorization` is then not looked at;',
        'an empty `X-Mantis-Token` counts as absent. A bearer token not starting `mk_` is only ever an OIDC JWT, so tenant',
        'tokens and `MANTIS_API_TOKEN` go in `X-Mantis-Token`. Any other `Authorization` scheme is ignored (401 `missing_token`',
        'when nothing else is sent). Unknown, malformed, expired and revoked keys all get 401 `invalid_token` with one message.',
        'With `MANTIS_TENANT_KEYS_PATH` set, `MANTIS_API_TOKEN` is not a credential. OIDC JWTs must be signed with RS*, PS* or',
        'ES* (30 s clock skew); an identity provider that cannot be reached gives 503 `service_unavailable`. A key bound to a',
        'team (tenant tokens, service-account keys) acts only in that team and never with admin rights.',
        '',
        'The web console at `/console` signs in through `/auth/*` and then authenticates with the `mantis_session` cookie, read only',
        'when no token header is sent. A request made with the cookie that changes state (POST, PUT, PATCH, DELETE) must carry the',
        'session\'s `X-CSRF-Token` (from `GET /auth/session`), else 403 `csrf_failed`.',
        '',
        'Rate limits: each request made in a team\'s name (its path or `X-Mantis-Team` team, else the caller\'s only team) takes one',
        'token from the team\'s bucket of `rate_limit_per_minute`, refilled continuously (0 disables). `X-RateLimit-Limit` is the',
        'bucket size, `X-RateLimit-Remaining` the whole tokens left, `X-RateLimit-Reset` the seconds until the bucket is full again;',
        'the IETF fields say the same (`RateLimit-Policy: "team";q=<limit>;w=60`, `RateLimit: "team";r=<remaining>;t=<seconds>`).',
        'A 429 `rate_limited` carries `Retry-After`: whole seconds (at least 1) until the next token.',
        '',
        'Runs: ids are `run_` + 32 random hex digits; another team\'s run is 404 on every route. Limits are clamped to',
        'min(request, team cap, server cap) and shown after clamping. `max_time_minutes` is wall-clock time from the run\'s first',
        'start: a run retried after its worker was lost keeps its original deadline. A lost worker\'s run is retried once, then',
        'fails with `worker_lost`. A cancelled run has `error.code` `cancelled`, a timed-out one `timed_out`. With an empty',
        '`allowed_domains` any http(s) URL without userinfo is accepted; other schemes are always refused.',
      ].join('\n'),
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Mantis-Token' }, 'mantis-token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'mk_ API key or OIDC JWT' }, 'bearer')
    .addSecurityRequirements('mantis-token')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  declarePathParameters(document.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>);
  document.components = { ...document.components, schemas: { ...(document.components?.schemas ?? {}), Error: ERROR_SCHEMA as never } };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json', useGlobalPrefix: false });
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * Every `{name}` in a path is a required path parameter; routes that read it
 * only in a guard (e.g. `{team}`) do not declare it themselves, and typed
 * clients need it declared.
 */
function declarePathParameters(paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>): void {
  for (const [path, item] of Object.entries(paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = (op.parameters ??= []);
      for (const name of names) {
        if (!params.some((p) => p.in === 'path' && p.name === name)) params.push({ name, in: 'path', required: true, schema: { type: 'string' } } as never);
      }
    }
  }
}
