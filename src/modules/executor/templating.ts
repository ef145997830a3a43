import type { SecretResolver } from '../secrets/secret-resolver.port.js';
import { RunFailure } from './run-failure.js';

const PLACEHOLDER = /\{\{\s*(inputs|secrets)\.([A-Za-z0-9_.-]+)\s*\}\}/g;
const REDACTED = '[REDACTED]';

/**
 * Substitutes `{{inputs.x}}` and `{{secrets.NAME}}` at run time and remembers
 * every secret value it handed out so `redact` can strip them from anything
 * that leaves the executor (events, errors, results, the page snapshot sent
 * to the model). Only secret names are ever reported.
 */
export class RunTemplating {
  private readonly secretValues = new Map<string, string>();

  constructor(
    private readonly teamId: string,
    private readonly inputs: Record<string, unknown>,
    private readonly secrets: SecretResolver,
    private readonly onSecretUsed: (name: string) => void,
  ) {}

  /** True once any secret has been substituted into the page. */
  get usedSecrets(): boolean {
    return this.secretValues.size > 0;
  }

  /** Whether `template` names a secret (without resolving it). */
  static mentionsSecret(template: string): boolean {
    return [...template.matchAll(PLACEHOLDER)].some((m) => m[1] === 'secrets');
  }

  async render(template: string): Promise<string> {
    const matches = [...template.matchAll(PLACEHOLDER)];
    if (matches.length === 0) return template;
    const values = new Map<string, string>();
    for (const m of matches) values.set(m[0], await this.lookup(m[1] as 'inputs' | 'secrets', m[2]));
    return template.replace(PLACEHOLDER, (whole) => values.get(whole) ?? whole);
  }

  /** A secret by name (the team's Anthropic key, for instance), remembered for redaction. */
  async secret(name: string): Promise<string> {
    let value = this.secretValues.get(name);
    if (value === undefined) {
      const resolved = await this.secrets.resolve(this.teamId, name);
      if (resolved === null || resolved === '') throw new RunFailure('secret_not_found', `Secret "${name}" was not found in the team's vault or secrets directory`, { secret: name });
      value = resolved;
      this.secretValues.set(name, value);
    }
    return value;
  }

  private async lookup(kind: 'inputs' | 'secrets', key: string): Promise<string> {
    if (kind === 'secrets') {
      const value = await this.secret(key);
      this.onSecretUsed(key);
      return value;
    }
    const value = key.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), this.inputs);
    if (value === undefined || value === null) throw new RunFailure('input_not_found', `Input "${key}" was not provided`, { input: key });
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** Replaces every known secret value (and its URL-encoded form) in strings, deeply. */
  redact<T>(value: T): T {
    if (this.secretValues.size === 0) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (depth > 20 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.walk(v, depth + 1);
    return out;
  }

  private redactString(s: string): string {
    let out = s;
    for (const secret of this.secretValues.values()) {
      if (secret.length < 1) continue;
      const forms = [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), encodeURI(secret), JSON.stringify(secret).slice(1, -1)];
      for (const form of new Set(forms)) {
        out = out.split(form).join(REDACTED);
      }
    }
    return out;
  }
}
