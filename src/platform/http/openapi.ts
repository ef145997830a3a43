import { applyDecorators } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiBody, ApiQuery, ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { z, type ZodType } from 'zod';
import { errorCodeSchema } from './api-error.js';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 of a zod schema, as an OpenAPI 3.1 schema object (no `$schema` of its own). */
export function jsonSchema(schema: ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
  return rest;
}

/** Documents a request body from the same zod schema that validates it. */
export const ZodBody = (schema: ZodType, description?: string) => ApiBody({ schema: jsonSchema(schema) as never, description });

/** Documents a response from a zod schema. */
export const ZodResponse = (status: number, schema: ZodType, description = '') => ApiResponse({ status, description, schema: jsonSchema(schema) as never });

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
        code: { ...jsonSchema(errorCodeSchema), example: 'not_found' },
        message: { type: 'string' },
        request_id: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

interface OperationLike {
  parameters?: { name: string; in: string }[];
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

const PATH_PARAMETER_DESCRIPTIONS: Record<string, string> = {
  team: 'Team slug or id; the caller must be a member (or an admin). Another team is 404.',
};

/**
 * Team-scoped routes share their handlers with the unscoped ones, so Nest's
 * scanner never sees a `{team}` (or other templated) parameter on them. Every
 * `{name}` of a path is declared here as a required string path parameter,
 * which is what OpenAPI requires and what generated clients rely on.
 */
function declarePathParameters(paths: Record<string, Record<string, OperationLike>>): void {
  for (const [path, item] of Object.entries(paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const declared = new Set((operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      const missing = names.filter((n) => !declared.has(n));
      if (missing.length === 0) continue;
      operation.parameters = [
        ...missing.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description: PATH_PARAMETER_DESCRIPTIONS[name] })),
        ...(operation.parameters ?? []),
      ];
    }
  }
}

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
        "Team-scoped routes act in the team of the path, of `X-Mantis-Team`, or the caller's only team.",
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
        "session's `X-CSRF-Token` (from `GET /auth/session`), else 403 `csrf_failed`.",
        '',
        "Rate limits: each request made in a team's name (its path or `X-Mantis-Team` team, else the caller's only team) takes one",
        "token from the team's bucket of `rate_limit_per_minute`, refilled continuously (0 disables). `X-RateLimit-Limit` is the",
        'bucket size, `X-RateLimit-Remaining` the whole tokens left, `X-RateLimit-Reset` the seconds until the bucket is full again;',
        'the IETF fields say the same (`RateLimit-Policy: "team";q=<limit>;w=60`, `RateLimit: "team";r=<remaining>;t=<seconds>`).',
        'A 429 `rate_limited` carries `Retry-After`: whole seconds (at least 1) until the next token. With Redis unreachable each',
        'API process limits with its own buckets (logged, `mantis_rate_limit_fallback_total`); the limit never fails open.',
        '',
        'Abuse bounds. Requests to protected routes that send no credential or one that is refused are limited per client address',
        '(`MANTIS_PREAUTH_RATE_PER_MINUTE`, default 60, 0 disables): once spent, the address gets 429 `rate_limited` with',
        '`Retry-After` before any database work, except for a key this process already holds in its cache. Open endpoints never count.',
        "The client address is the connection's; `X-Forwarded-For` is believed only from `MANTIS_TRUSTED_PROXIES` (IPs or CIDRs,",
        'default none). Refused credentials on state-changing routes are audited as `auth.denied`, one event per address and',
        'minute: the first at once, the rest of that minute as one event with `details.count`, `first_at` and `last_at`.',
        'JSON bodies nested deeper than 32 levels are 400 `validation_failed`. List routes clamp `limit` to their maximum.',
        '',
        "Runs: ids are `run_` + 32 random hex digits; another team's run is 404 on every route. Limits are clamped to",
        "min(request, team cap, server cap) and shown after clamping. `max_time_minutes` is wall-clock time from the run's first",
        "start: a run retried after its worker was lost keeps its original deadline. A lost worker's run is retried once, then",
        'fails with `worker_lost`. A cancelled run has `error.code` `cancelled`, a timed-out one `timed_out`. With an empty',
        '`allowed_domains` any http(s) URL without userinfo is accepted; other schemes are always refused.',
        '',
        "The browser is a sandbox. Every request a run's browser makes goes through an egress proxy that holds its host to",
        '`allowed_domains` and connects only to public addresses, or to those in `MANTIS_BROWSER_PRIVATE_RANGES` (all of them',
        'with `MANTIS_BROWSER_ALLOW_PRIVATE=true`), checked on the address actually connected to. Only http(s) reaches the network;',
        '`file:` and other schemes never load. A refused top-level navigation fails the run with `destination_not_allowed` or',
        '`domain_not_allowed`; a refused sub-resource fails inside the page; each refusal is a `request.blocked` event (`url`',
        'without credentials, `reason`, `code`, `step`). At submit a plan URL naming a literal private address or `localhost`',
        'is 403 `destination_not_allowed`, another scheme 400 `validation_failed`. `{{secrets.NAME}}` is accepted only in a `fill`',
        "step's `value` (400 naming the field elsewhere, inputs and agent goals included) and is typed only on a host matching the",
        "secret's `origins`, else the team's non-empty `allowed_domains`, else the run fails with `secret_origin_not_allowed`. An",
        '`agent` step may list `secrets` the model can type by name (`type_secret`); values never reach the model. Plan secrets',
        'resolve in the team vault, then `$MANTIS_SECRETS_DIR/<tenant_id>/<name>`. Videos and traces stop before the first step',
        'that types a secret. Deleting a team deletes its data directory; a new team with the same slug starts empty.',
      ].join('\n'),
    )
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Mantis-Token' }, 'mantis-token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'mk_ API key or OIDC JWT' }, 'bearer')
    .addSecurityRequirements('mantis-token')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  declarePathParameters(document.paths as Record<string, Record<string, OperationLike>>);
  document.components = { ...document.components, schemas: { ...(document.components?.schemas ?? {}), Error: ERROR_SCHEMA as never } };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json', useGlobalPrefix: false });
}
