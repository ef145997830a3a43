import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { hashToken } from '../../platform/auth/api-key-format.js';
import { SCOPES, type Scope } from '../../platform/auth/principal.js';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** One entry of `tenant_keys`, with the seed defaults of the OpenAPI description (authentication). Unknown fields are ignored. */
const entrySchema = z.object({
  tenant_id: z.string().regex(SLUG, { message: 'must match ^[a-z0-9][a-z0-9_-]{0,62}$' }),
  scopes: z.array(z.enum(SCOPES)).min(1).optional(),
  max_concurrent_runs: z.number().int().min(0).default(5),
  max_cost_per_run: z.number().min(0).default(25.0),
  max_time_minutes_per_run: z.number().int().min(1).default(60),
  rate_limit_per_minute: z.number().int().min(0).default(30),
  anthropic_secret_name: z.string().default('anthropic_api_key'),
  allowed_domains: z.array(z.string().min(1)).default([]),
  webhook_url: z.string().default(''),
  webhook_secret_name: z.string().default(''),
});

const fileSchema = z.object({ tenant_keys: z.record(z.string(), z.unknown()) });

export interface TenantSettings {
  maxConcurrentRuns: number;
  maxCostPerRun: number;
  maxTimeMinutesPerRun: number;
  rateLimitPerMinute: number;
  anthropicSecretName: string;
  allowedDomains: string[];
  webhookUrl: string;
  webhookSecretName: string;
}

export interface KeysFileEntry {
  /** SHA-256 of the token: the token itself never leaves the parser. */
  hash: string;
  tenantId: string;
  scopes: Scope[];
  settings: TenantSettings;
}

export class KeysFileError extends Error {}

function syntaxError(e: unknown): KeysFileError {
  // The parser's own message quotes the offending line, which may hold a token.
  const pos = e instanceof YAMLParseError ? e.linePos?.[0] : undefined;
  return new KeysFileError(pos ? `not valid YAML or JSON (line ${pos.line}, column ${pos.col})` : 'not valid YAML or JSON');
}

/**
 * Parses a keys file (JSON or YAML: `{"tenant_keys": {"<token>": {"tenant_id": …}}}`).
 * Throws KeysFileError with a message that names entries by position, never by token.
 */
export function parseKeysFile(text: string): KeysFileEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    throw syntaxError(e);
  }
  const file = fileSchema.safeParse(doc);
  if (!file.success) throw new KeysFileError('expected an object with a "tenant_keys" map');
  const entries: KeysFileEntry[] = [];
  let n = 0;
  for (const [token, value] of Object.entries(file.data.tenant_keys)) {
    n++;
    if (token.trim() === '') throw new KeysFileError(`entry ${n}: the token is empty`);
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new KeysFileError(`entry ${n} (tenant ${tenantOf(value)}): ${issue.path.join('.') || 'entry'}: ${issue.message}`);
    }
    const e = parsed.data;
    entries.push({
      hash: hashToken(token),
      tenantId: e.tenant_id,
      scopes: e.scopes ? SCOPES.filter((s) => e.scopes!.includes(s)) : [...SCOPES],
      settings: {
        maxConcurrentRuns: e.max_concurrent_runs,
        maxCostPerRun: e.max_cost_per_run,
        maxTimeMinutesPerRun: e.max_time_minutes_per_run,
        rateLimitPerMinute: e.rate_limit_per_minute,
        anthropicSecretName: e.anthropic_secret_name,
        allowedDomains: e.allowed_domains.map((d) => d.trim().toLowerCase()),
        webhookUrl: e.webhook_url,
        webhookSecretName: e.webhook_secret_name,
      },
    });
  }
  return entries;
}

function tenantOf(value: unknown): string {
  const id = (value as { tenant_id?: unknown } | null)?.tenant_id;
  return typeof id === 'string' && SLUG.test(id) ? id : 'unknown';
}
