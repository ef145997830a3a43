import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMasterKey } from '../../src/platform/crypto/master-key.js';
import { SecretResolver } from '../../src/modules/secrets/secret-resolver.port.js';
import { VaultService } from '../../src/modules/secrets/vault.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam } from '../support/factories.js';

describe('secrets vault and resolver', () => {
  let t: TestApp;
  let secretsDir: string;
  beforeAll(async () => {
    secretsDir = mkdtempSync(join(tmpdir(), 'mantis-secrets-'));
    t = await buildTestApp({ env: { MANTIS_SECRETS_DIR: secretsDir } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function put(teamId: string, name: string, value: string) {
    const sealed = await t.app.get(VaultService).encrypt(teamId, name, value);
    await t.prisma.secret.upsert({
      where: { teamId_name: { teamId, name } },
      create: { teamId, name, ciphertext: new Uint8Array(sealed.ciphertext), nonce: new Uint8Array(sealed.nonce), keyVersion: sealed.keyVersion },
      update: { ciphertext: new Uint8Array(sealed.ciphertext), nonce: new Uint8Array(sealed.nonce), keyVersion: sealed.keyVersion },
    });
  }

  it('without an external database, generates the master key once into the data directory with mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mantis-mk-'));
    const key = loadMasterKey(undefined, dir);
    const path = join(dir, 'master.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toEqual(key);
    expect(loadMasterKey(undefined, dir)).toEqual(key);
  });

  it('with DATABASE_URL set, boot fails naming MANTIS_MASTER_KEY when it is missing', async () => {
    const err = await buildTestApp({ databaseUrl: t.databaseUrl, env: { MANTIS_MASTER_KEY: '' } }).then(
      async (app) => {
        await app.close();
        return null;
      },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/MANTIS_MASTER_KEY is required when DATABASE_URL is set/);
  });

  it('the database records the key fingerprint (not the key) and boot fails on another key', async () => {
    const [row] = await t.prisma.$queryRaw<{ fp: string }[]>`SELECT master_key_fingerprint AS fp FROM mantis_instance`;
    expect(row.fp).toMatch(/^[0-9a-f]{64}$/);
    expect(row.fp).not.toContain(Buffer.from(t.config.masterKey!, 'base64').toString('hex'));
    const other = randomBytes(32).toString('base64');
    const err = await buildTestApp({ databaseUrl: t.databaseUrl, env: { MANTIS_MASTER_KEY: other } }).then(
      async (app) => {
        await app.close();
        return null;
      },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/MANTIS_MASTER_KEY does not match the key this database was set up with/);
    expect(err?.message).not.toContain(other);
    // The same key as the first process boots fine (a second replica).
    const replica = await buildTestApp({ databaseUrl: t.databaseUrl, env: { MANTIS_MASTER_KEY: t.config.masterKey } });
    await replica.app.close();
    await replica.prisma.$disconnect();
  });

  it('stores only ciphertext: the value is not in the row', async () => {
    const a = await createTeam(t.prisma);
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    await put(a.id, 'api', canary);
    const row = await t.prisma.secret.findUniqueOrThrow({ where: { teamId_name: { teamId: a.id, name: 'api' } } });
    expect(Buffer.from(row.ciphertext).toString('utf8')).not.toContain(canary);
    const key = await t.prisma.teamKey.findFirstOrThrow({ where: { teamId: a.id } });
    expect(key.wrappedKey.length).toBe(12 + 32 + 16);
  });

  it('the same name in two teams resolves to each team its own value', async () => {
    const a = await createTeam(t.prisma);
    const b = await createTeam(t.prisma);
    await put(a.id, 'shared_name', 'value-of-a');
    await put(b.id, 'shared_name', 'value-of-b');
    const resolver = t.app.get(SecretResolver);
    expect(await resolver.resolve(a.id, 'shared_name')).toBe('value-of-a');
    expect(await resolver.resolve(b.id, 'shared_name')).toBe('value-of-b');
  });

  it('a ciphertext moved to another team fails to decrypt', async () => {
    const a = await createTeam(t.prisma);
    const b = await createTeam(t.prisma);
    await put(a.id, 'moved', 'only-for-a');
    await put(b.id, 'other', 'b-needs-a-key');
    const row = await t.prisma.secret.findUniqueOrThrow({ where: { teamId_name: { teamId: a.id, name: 'moved' } } });
    await t.prisma.secret.create({ data: { teamId: b.id, name: 'moved', ciphertext: row.ciphertext, nonce: row.nonce, keyVersion: row.keyVersion } });
    const resolver = t.app.get(SecretResolver);
    await expect(resolver.resolve(b.id, 'moved')).rejects.toThrow(/failed to decrypt/);
    await expect(resolver.resolve(b.id, 'moved')).rejects.not.toThrow(/only-for-a/);
    // Even with team A's wrapped key copied over, the team id bound to it refuses to unwrap.
    const keyA = await t.prisma.teamKey.findFirstOrThrow({ where: { teamId: a.id } });
    const c = await createTeam(t.prisma);
    await t.prisma.teamKey.create({ data: { teamId: c.id, version: keyA.version, wrappedKey: keyA.wrappedKey } });
    await t.prisma.secret.create({ data: { teamId: c.id, name: 'moved', ciphertext: row.ciphertext, nonce: row.nonce, keyVersion: row.keyVersion } });
    await expect(resolver.resolve(c.id, 'moved')).rejects.toThrow();
  });

  it('falls back to $MANTIS_SECRETS_DIR/<name>, vault first', async () => {
    const a = await createTeam(t.prisma);
    writeFileSync(join(secretsDir, 'from_file'), 'file-value\n');
    writeFileSync(join(secretsDir, 'both'), 'file-loses');
    await put(a.id, 'both', 'vault-wins');
    const resolver = t.app.get(SecretResolver);
    expect(await resolver.resolve(a.id, 'from_file')).toBe('file-value');
    expect(await resolver.resolve(a.id, 'both')).toBe('vault-wins');
    expect(await resolver.resolve(a.id, 'absent')).toBeNull();
  });

  it('never resolves a name that could leave the secrets directory', async () => {
    const a = await createTeam(t.prisma);
    const outside = mkdtempSync(join(tmpdir(), 'mantis-outside-'));
    writeFileSync(join(outside, 'stolen'), 'must-not-leak');
    mkdirSync(join(secretsDir, 'sub'), { recursive: true });
    writeFileSync(join(secretsDir, 'sub', 'nested'), 'nested');
    const resolver = t.app.get(SecretResolver);
    const rel = join('..', outside.split('/').pop()!, 'stolen');
    for (const name of [rel, `../${rel}`, 'sub/nested', '..', '.', '', 'a\\b', `${outside}/stolen`]) {
      expect(await resolver.resolve(a.id, name)).toBeNull();
    }
  });
});
