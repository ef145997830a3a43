import { z } from 'zod';
import { parseCidrList } from './cidr.js';

/** `10.0.0.0/8`, `::1/128` or a bare address. */
function isCidr(text: string): boolean {
  try {
    return parseCidrList(text).length === 1;
  } catch {
    return false;
  }
}

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const num = (fallback: number, min = 0) => z.coerce.number().min(min).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalString.pipe(z.string().url({ message: 'must be a URL' }).optional());

/** Every environment variable Mantis reads (the OpenAPI description: authentication and configuration), validated once at boot. */
export const envSchema = z.object({
  PORT: int(8080, 0).pipe(z.number().max(65535)),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgresql:// URL' })
      .optional(),
  ),
  MANTIS_DATA_DIR: z.string().default('./.mantis'),
  MANTIS_SECRETS_DIR: optionalString,
  MANTIS_TENANT_KEYS_PATH: optionalString,
  MANTIS_API_TOKEN: optionalString,
  MANTIS_AUTH_OIDC_ISSUER_URL: optionalUrl,
  MANTIS_AUTH_OIDC_CLIENT_ID: optionalString,
  MANTIS_AUTH_OIDC_CLIENT_SECRET: optionalString,
  MANTIS_AUTH_OIDC_AUDIENCE: optionalString,
  MANTIS_AUTH_OIDC_ALLOWED_DOMAINS: optionalString,
  /** The external origin (scheme, host, port) behind a proxy: the OIDC redirect URI is built from it. */
  MANTIS_PUBLIC_URL: optionalUrl,
  MANTIS_MAX_COST_USD: num(25),
  MANTIS_MAX_RUNTIME_MINUTES: int(60, 1),
  MANTIS_MAX_STEPS_PER_PLAN: int(100, 1),
  MANTIS_MAX_LOOP_ITERATIONS: int(50, 1),
  MANTIS_METRICS_AUTH: z.enum(['open', 'admin', 'none', '']).default('open'),
  MANTIS_WEBHOOK_ALLOW_PRIVATE: bool(false),
  MANTIS_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('0,5,300,1800,7200,18000,36000,36000')
    .transform((s, ctx) => {
      const parts = s.split(',').map((p) => Number(p.trim()));
      if (parts.length === 0 || parts.some((n) => !Number.isFinite(n) || n < 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be comma-separated seconds' });
        return z.NEVER;
      }
      return parts;
    }),
  MANTIS_WEBHOOK_TIMEOUT_MS: int(15_000, 1),
  MANTIS_SYNC_WAIT_SECONDS: num(30, 0),
  MANTIS_AUTO_MIGRATE: bool(true),
  MANTIS_MASTER_KEY: optionalString.refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, {
    message: 'must be base64 of exactly 32 bytes',
  }),
  /** The audit head signing key in use (1, 2, …); earlier versions stay published so old heads verify. */
  MANTIS_AUDIT_SIGNING_KEY_VERSION: int(1, 1).pipe(z.number().max(1000)),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
      .optional(),
  ),
  MANTIS_ANTHROPIC_BASE_URL: optionalUrl,
  MANTIS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MANTIS_WORKER_CONCURRENCY: int(2, 1),
  MANTIS_LEASE_SECONDS: int(30, 2),
  MANTIS_WORKER_POLL_MS: int(500, 10),
  MANTIS_CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  MANTIS_RECORD_VIDEO: bool(true),
  MANTIS_FFMPEG_PATH: z.string().default('/usr/bin/ffmpeg'),
  /** Non-public ranges the browser may reach anyway (comma-separated CIDRs). */
  MANTIS_BROWSER_PRIVATE_RANGES: z
    .string()
    .default('')
    .transform((s, ctx) => {
      try {
        return parseCidrList(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be comma-separated CIDRs, e.g. 10.0.0.0/8,fd00::/8' });
        return z.NEVER;
      }
    }),
  MANTIS_BROWSER_ALLOW_PRIVATE: bool(false),
  /** `uid[:gid]` Chromium runs as (through scripts/chromium-as-user.sh); unset: the worker's own user. */
  MANTIS_BROWSER_UID: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const m = /^\s*(\d{1,10})(?::(\d{1,10}))?\s*$/.exec(s);
      const uid = m ? Number(m[1]) : NaN;
      const gid = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || uid < 1 || gid < 1 || uid > 4294967294 || gid > 4294967294) {
        ctx.addIssue({ code: 'custom', message: 'must be uid or uid:gid, numbers other than 0 (e.g. 10002:10002)' });
        return z.NEVER;
      }
      return { uid, gid };
    }),
  /** Where Playwright looks for its ffmpeg; default `$MANTIS_DATA_DIR/playwright`. */
  PLAYWRIGHT_BROWSERS_PATH: optionalString,
  MANTIS_ARTIFACT_RETENTION_DAYS: int(30, 0),
  MANTIS_KEYS_FILE_POLL_MS: int(1000, 50),
  /** How long an API replica's lease on its key cache lasts (README "Key cache"): the longest a change waits for a replica that stopped answering. */
  MANTIS_AUTH_LEASE_MS: z.coerce.number().int().min(300).max(30_000).default(3000),
  /** A `mantis worker` serves /metrics and /healthz on this port when set (0 picks a free one). */
  MANTIS_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Unauthenticated and failed-credential requests allowed per client address and minute (0 disables). */
  MANTIS_PREAUTH_RATE_PER_MINUTE: int(60, 0),
  /** Proxies whose X-Forwarded-For is believed: comma-separated IPs or CIDRs (default none). */
  MANTIS_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const list = s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const bad = list.filter((p) => !isCidr(p));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `not an IP address or CIDR: ${bad.join(', ')}` });
        return z.NEVER;
      }
      return list;
    }),
  /** Open SSE log streams allowed per team at once. */
  MANTIS_MAX_STREAMS_PER_TEAM: int(20, 1),
  /** A live log stream ends after this many seconds (the client resumes with Last-Event-ID); at most an hour. */
  MANTIS_STREAM_MAX_SECONDS: int(3600, 1).pipe(z.number().max(3600, { message: 'must be at most 3600 (one hour)' })),
  MANTIS_CONFIG: optionalString,
  /** CLI: the server the REST-backed commands talk to, and the key they send. */
  MANTIS_URL: optionalUrl,
  MANTIS_API_KEY: optionalString,
});

export type Env = z.infer<typeof envSchema>;
