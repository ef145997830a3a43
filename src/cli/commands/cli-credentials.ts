import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `mantis login` caches: OIDC tokens for one issuer and client. */
export interface CachedCredentials {
  issuer: string;
  client_id: string;
  audience?: string;
  access_token: string;
  refresh_token?: string;
  /** Epoch seconds. */
  expires_at?: number;
  email?: string;
}

export function credentialsPath(): string {
  return join(homedir(), '.mantis', 'credentials');
}

export function readCredentials(): CachedCredentials | null {
  try {
    const parsed = JSON.parse(readFileSync(credentialsPath(), 'utf8')) as CachedCredentials;
    return typeof parsed.access_token === 'string' ? parsed : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${credentialsPath()} is unreadable; run mantis logout, then mantis login`, { cause: e });
  }
}

/** Written with mode 0600 in a 0700 directory: the file holds bearer tokens. */
export function writeCredentials(creds: CachedCredentials): void {
  const path = credentialsPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function removeCredentials(): boolean {
  try {
    rmSync(credentialsPath());
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
