import { describe, expect, it } from 'vitest';
import { hashToken } from '../../platform/auth/api-key-format.js';
import { KeysFileError, parseKeysFile } from './keys-file.schema.js';

const TOKEN = 'tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

function reason(text: string): string {
  try {
    parseKeysFile(text);
  } catch (e) {
    expect(e).toBeInstanceOf(KeysFileError);
    return (e as Error).message;
  }
  throw new Error('parsed');
}

describe('parseKeysFile', () => {
  it('reads JSON and YAML alike, applies the seed defaults, keeps only the hash', () => {
    const json = parseKeysFile(JSON.stringify({ tenant_keys: { [TOKEN]: { tenant_id: 'acme' } } }));
    const yaml = parseKeysFile(`tenant_keys:\n  ${TOKEN}:\n    tenant_id: acme\n`);
    expect(json).toEqual(yaml);
    expect(json).toEqual([
      {
        hash: hashToken(TOKEN),
        tenantId: 'acme',
        scopes: ['run', 'status', 'result', 'logs'],
        settings: {
          maxConcurrentRuns: 5,
          maxCostPerRun: 25,
          maxTimeMinutesPerRun: 60,
          rateLimitPerMinute: 30,
          anthropicSecretName: 'anthropic_api_key',
          allowedDomains: [],
          webhookUrl: '',
          webhookSecretName: '',
        },
      },
    ]);
    expect(JSON.stringify(json)).not.toContain(TOKEN);
  });

  it('keeps scopes in canonical order and ignores unknown fields', () => {
    const [e] = parseKeysFile(JSON.stringify({ tenant_keys: { [TOKEN]: { tenant_id: 'acme', scopes: ['logs', 'run'], note: 'x' } } }));
    expect(e.scopes).toEqual(['run', 'logs']);
  });

  it('an empty map is valid (no tokens)', () => {
    expect(parseKeysFile('{"tenant_keys": {}}')).toEqual([]);
  });

  it.each([
    ['empty file', ''],
    ['a list', '[1,2]'],
    ['syntax error on the token line', `{"tenant_keys": {"${TOKEN}": {"tenant_id": "acme",}}`],
    ['YAML syntax error on the token line', `tenant_keys:\n  ${TOKEN}: [unclosed\n`],
    ['duplicate token', `{"tenant_keys": {"${TOKEN}": {"tenant_id": "a"}, "${TOKEN}": {"tenant_id": "b"}}}`],
    ['empty token', '{"tenant_keys": {"": {"tenant_id": "a"}}}'],
    ['blank token', '{"tenant_keys": {"   ": {"tenant_id": "a"}}}'],
    ['missing tenant_id', `{"tenant_keys": {"${TOKEN}": {}}}`],
    ['negative cap', `{"tenant_keys": {"${TOKEN}": {"tenant_id": "a", "max_concurrent_runs": -1}}}`],
    ['entry not an object', `{"tenant_keys": {"${TOKEN}": "acme"}}`],
  ])('rejects %s without quoting the token', (_label, text) => {
    const message = reason(text);
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain(TOKEN.slice(4, 20));
  });
});
