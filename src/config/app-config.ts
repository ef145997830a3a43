import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ZodError } from 'zod';
import { envSchema, type Env } from './env.schema.js';

export interface OidcConfig {
  issuerUrl: string;
  clientId?: string;
  clientSecret?: string;
  audience: string;
  /** null: any domain. */
  allowedDomains: string[] | null;
}

/** The one typed, frozen configuration object. Nothing else reads process.env. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  secretsDir: string;
  tenantKeysPath?: string;
  keysFilePollMs: number;
  /** An API replica's lease on its key cache (MANTIS_AUTH_LEASE_MS). */
  authLeaseMs: number;
  apiToken?: string;
  oidc?: OidcConfig;
  /** External origin for redirects (OIDC callback); default: the request's own. */
  publicUrl?: string;
  limits: { maxCostUsd: number; maxRuntimeMinutes: number; maxStepsPerPlan: number; maxLoopIterations: number };
  metricsAuth: 'open' | 'admin';
  webhooks: { allowPrivate: boolean; retryScheduleSeconds: number[]; timeoutMs: number };
  syncWaitSeconds: number;
  autoMigrate: boolean;
  masterKey?: string;
  /** Version of the Ed25519 key that signs audit chain heads (derived from the master key). */
  auditSigningKeyVersion: number;
  redisUrl?: string;
  anthropicBaseUrl?: string;
  logLevel: Env['MANTIS_LOG_LEVEL'];
  worker: { concurrency: number; leaseSeconds: number; pollMs: number; metricsPort?: number };
  browser: {
    chromiumPath: string;
    recordVideo: boolean;
    ffmpegPath: string;
    playwrightBrowsersPath: string;
    /** The egress policy's address rule for every request a run's browser makes. */
    egress: { allowPrivate: boolean; privateRanges: string[] };
    /** The user Chromium runs as, when it is not the worker's own (MANTIS_BROWSER_UID). */
    user?: { uid: number; gid: number };
  };
  artifactRetentionDays: number;
  /** Abuse bounds: the per-address pre-auth limit (0: off), believed proxies, SSE streams per team. */
  admission: { preauthRatePerMinute: number; trustedProxies: string[]; maxStreamsPerTeam: number; streamMaxSeconds: number };
  /** The CLI's REST client: MANTIS_URL (default http://127.0.0.1:PORT) and MANTIS_API_KEY. */
  client: { url: string; apiKey?: string };
}

export class ConfigError extends Error {}

/** `auth.oidc.issuer_url` in mantis.yaml stands for MANTIS_AUTH_OIDC_ISSUER_URL. */
function flattenYaml(value: unknown, path: string[] = [], out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenYaml(v, [...path, k], out);
    return out;
  }
  const key = path
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');
  const name = ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL'].includes(key) || key.startsWith('MANTIS_') ? key : `MANTIS_${key}`;
  out[name] = Array.isArray(value) ? value.join(',') : String(value);
  return out;
}

function readYaml(env: NodeJS.ProcessEnv): Record<string, string> {
  const explicit = env.MANTIS_CONFIG?.trim();
  const path = resolve(explicit || 'mantis.yaml');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(`MANTIS_CONFIG: file not found: ${path}`);
    return {};
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`MANTIS_CONFIG: ${path} is not valid YAML: ${(e as Error).message}`);
  }
  return doc == null ? {} : flattenYaml(doc);
}

function describe(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Parses env (over mantis.yaml) once; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse({ ...readYaml(env), ...env });
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describe(parsed.error)}`);
  const e = parsed.data;

  let oidc: OidcConfig | undefined;
  if (e.MANTIS_AUTH_OIDC_ISSUER_URL) {
    const audience = e.MANTIS_AUTH_OIDC_AUDIENCE ?? e.MANTIS_AUTH_OIDC_CLIENT_ID;
    if (!audience) {
      throw new ConfigError('Invalid configuration: MANTIS_AUTH_OIDC_AUDIENCE: required when MANTIS_AUTH_OIDC_ISSUER_URL is set');
    }
    const domains = e.MANTIS_AUTH_OIDC_ALLOWED_DOMAINS?.split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean);
    oidc = {
      issuerUrl: e.MANTIS_AUTH_OIDC_ISSUER_URL,
      clientId: e.MANTIS_AUTH_OIDC_CLIENT_ID,
      clientSecret: e.MANTIS_AUTH_OIDC_CLIENT_SECRET,
      audience,
      allowedDomains: domains && domains.length > 0 ? domains : null,
    };
  }

  const dataDir = resolve(e.MANTIS_DATA_DIR);
  const config: AppConfig = {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    secretsDir: resolve(e.MANTIS_SECRETS_DIR ?? `${dataDir}/secrets`),
    tenantKeysPath: e.MANTIS_TENANT_KEYS_PATH ? resolve(e.MANTIS_TENANT_KEYS_PATH) : undefined,
    keysFilePollMs: e.MANTIS_KEYS_FILE_POLL_MS,
    authLeaseMs: e.MANTIS_AUTH_LEASE_MS,
    apiToken: e.MANTIS_API_TOKEN,
    oidc,
    publicUrl: e.MANTIS_PUBLIC_URL?.replace(/\/+$/, ''),
    limits: {
      maxCostUsd: e.MANTIS_MAX_COST_USD,
      maxRuntimeMinutes: e.MANTIS_MAX_RUNTIME_MINUTES,
      maxStepsPerPlan: e.MANTIS_MAX_STEPS_PER_PLAN,
      maxLoopIterations: e.MANTIS_MAX_LOOP_ITERATIONS,
    },
    metricsAuth: e.MANTIS_METRICS_AUTH === 'admin' ? 'admin' : 'open',
    webhooks: {
      allowPrivate: e.MANTIS_WEBHOOK_ALLOW_PRIVATE,
      retryScheduleSeconds: e.MANTIS_WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: e.MANTIS_WEBHOOK_TIMEOUT_MS,
    },
    syncWaitSeconds: e.MANTIS_SYNC_WAIT_SECONDS,
    autoMigrate: e.MANTIS_AUTO_MIGRATE,
    masterKey: e.MANTIS_MASTER_KEY,
    auditSigningKeyVersion: e.MANTIS_AUDIT_SIGNING_KEY_VERSION,
    redisUrl: e.REDIS_URL,
    anthropicBaseUrl: e.MANTIS_ANTHROPIC_BASE_URL,
    logLevel: e.MANTIS_LOG_LEVEL,
    worker: {
      concurrency: e.MANTIS_WORKER_CONCURRENCY,
      leaseSeconds: e.MANTIS_LEASE_SECONDS,
      pollMs: e.MANTIS_WORKER_POLL_MS,
      metricsPort: e.MANTIS_WORKER_METRICS_PORT,
    },
    browser: {
      chromiumPath: e.MANTIS_CHROMIUM_PATH,
      recordVideo: e.MANTIS_RECORD_VIDEO,
      ffmpegPath: e.MANTIS_FFMPEG_PATH,
      playwrightBrowsersPath: resolve(e.PLAYWRIGHT_BROWSERS_PATH ?? `${dataDir}/playwright`),
      egress: { allowPrivate: e.MANTIS_BROWSER_ALLOW_PRIVATE, privateRanges: e.MANTIS_BROWSER_PRIVATE_RANGES },
      user: e.MANTIS_BROWSER_UID,
    },
    artifactRetentionDays: e.MANTIS_ARTIFACT_RETENTION_DAYS,
    admission: {
      preauthRatePerMinute: e.MANTIS_PREAUTH_RATE_PER_MINUTE,
      trustedProxies: e.MANTIS_TRUSTED_PROXIES,
      maxStreamsPerTeam: e.MANTIS_MAX_STREAMS_PER_TEAM,
      streamMaxSeconds: e.MANTIS_STREAM_MAX_SECONDS,
    },
    client: { url: (e.MANTIS_URL ?? `http://127.0.0.1:${e.PORT || 8080}`).replace(/\/+$/, ''), apiKey: e.MANTIS_API_KEY },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
