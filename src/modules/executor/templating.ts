import type { PlanSecret, SecretResolver } from '../secrets/secret-resolver.port.js';
import { RunFailure } from './run-failure.js';

const PLACEHOLDER = /\{\{\s*(inputs|secrets)\.([A-Za-z0-9_.-]+)\s*\}\}/g;
const REDACTED = '[REDACTED]';

export interface NamedSecret extends PlanSecret {
  name: string;
}

/**
 * Substitutes `{{inputs.x}}` everywhere and `{{secrets.NAME}}` in fill values
 * only (plans are refused at submit for any other place), and remembers
 * every secret value it handed out so `redact` can strip them from anything
 * that leaves the executor (events, errors, results, the page snapshot sent
 * to the model). Only secret names are ever reported.
 */
export class RunTemplating {
  private readonly secretValues = new Map<string, string>();

  private readonly planSecrets = new Map<string, PlanSecret>();

  constructor(
    private readonly teamId: string,
    private readonly tenantId: string,
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

  /** Inputs substituted; a secret placeholder here (anything but a fill value) is refused. */
  async render(template: string): Promise<string> {
    if (RunTemplating.mentionsSecret(template)) {
      throw new RunFailure('step_failed', "{{secrets.NAME}} may only be used in a fill step's value");
    }
    return (await this.renderWithSecrets(template)).text;
  }

  /**
   * A fill value: inputs and secrets substituted, with the secrets it names
   * (value and origins) so the caller can check where it is typing first.
   * Nothing is reported as used until `markUsed`.
   */
  async renderWithSecrets(template: string): Promise<{ text: string; secrets: NamedSecret[] }> {
    const matches = [...template.matchAll(PLACEHOLDER)];
    if (matches.length === 0) return { text: template, secrets: [] };
    const values = new Map<string, string>();
    const secrets = new Map<string, NamedSecret>();
    for (const m of matches) {
      if (m[1] === 'secrets') {
        const secret = await this.planSecret(m[2]);
        secrets.set(m[2], { name: m[2], ...secret });
        values.set(m[0], secret.value);
      } else values.set(m[0], this.input(m[2]));
    }
    return { text: template.replace(PLACEHOLDER, (whole) => values.get(whole) ?? whole), secrets: [...secrets.values()] };
  }

  /** A secret a plan names (vault, then the team's own secrets directory), remembered for redaction. */
  async planSecret(name: string): Promise<PlanSecret> {
    let secret = this.planSecrets.get(name);
    if (!secret) {
      const resolved = await this.secrets.resolveForPlan(this.teamId, this.tenantId, name);
      if (resolved === null || resolved.value === '') throw notFound(name);
      secret = resolved;
      this.planSecrets.set(name, secret);
      this.secretValues.set(`plan:${name}`, secret.value);
    }
    return secret;
  }

  /** Reports a secret as used (typed into the page). */
  markUsed(name: string): void {
    this.onSecretUsed(name);
  }

  /** A secret by name (the team's Anthropic key, for instance), remembered for redaction. */
  async secret(name: string): Promise<string> {
    let value = this.secretValues.get(name);
    if (value === undefined) {
      const resolved = await this.secrets.resolve(this.teamId, name);
      if (resolved === null || resolved === '') throw notFound(name);
      value = resolved;
      this.secretValues.set(name, value);
    }
    return value;
  }

  private input(key: string): string {
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
      const forms = [
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ v: secret }).toString().slice(2),
        encodeURI(secret),
        JSON.stringify(secret).slice(1, -1),
      ];
      for (const form of new Set(forms)) {
        out = out.split(form).join(REDACTED);
      }
    }
    return out;
  }
}

function notFound(name: string): RunFailure {
  return new RunFailure('secret_not_found', `Secret "${name}" was not found in the team's vault or secrets directory`, { secret: name });
}
