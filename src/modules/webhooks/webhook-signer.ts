import { Inject, Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { SecretResolver } from '../secrets/secret-resolver.port.js';

/** Suffix of the secret that still signs during a rotation, next to the current one. */
export const PREVIOUS_SECRET_SUFFIX = '_previous';

export class WebhookSecretError extends Error {}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for each secret, space-separated (Standard Webhooks). */
export function signatureHeader(secrets: string[], msgId: string, timestamp: Date, body: string): string {
  return secrets
    .map((s) => {
      try {
        return new Webhook(s).sign(msgId, timestamp, body);
      } catch {
        throw new WebhookSecretError('webhook secret is not a whsec_ base64 secret');
      }
    })
    .join(' ');
}

/**
 * Finds the signing secrets of a team: the one named `webhook_secret_name`
 * and, during a rotation, `<name>_previous`; deliveries carry a signature for
 * each, current first. No name configured: unsigned.
 */
@Injectable()
export class WebhookSigner {
  constructor(@Inject(SecretResolver) private readonly resolver: SecretResolver) {}

  /** The secrets to sign with; empty when the team has none configured. Throws when the named secret is missing. */
  async secretsFor(teamId: string, secretName: string): Promise<string[]> {
    if (!secretName) return [];
    const current = await this.resolve(teamId, secretName);
    if (current === null) throw new WebhookSecretError(`webhook secret ${secretName} not found`);
    const previous = await this.resolve(teamId, `${secretName}${PREVIOUS_SECRET_SUFFIX}`);
    return previous === null || previous === current ? [current] : [current, previous];
  }

  private resolve(teamId: string, name: string): Promise<string | null> {
    return this.resolver.resolve(teamId, name);
  }
}
