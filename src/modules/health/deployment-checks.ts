import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';

/**
 * What `mantis doctor` prints, one line per check, and what `/readyz` reports
 * for the cheap ones. A failure always says what to do.
 */
export interface CheckResult {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * The data directory exists (or can be created) and takes a file. `cheap`
 * (readiness, polled often): only asks the kernel whether it could write.
 */
export function checkDataDir(config: AppConfig, cheap = false): CheckResult {
  const probe = join(config.dataDir, `.doctor-${process.pid}-${Date.now()}`);
  try {
    if (cheap) accessSync(config.dataDir, constants.W_OK);
    else {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(probe, '');
      unlinkSync(probe);
    }
    return ok('data directory', `${config.dataDir} is writable`);
  } catch (e) {
    return fail(
      'data directory',
      `${config.dataDir} is not writable (${(e as NodeJS.ErrnoException).code ?? message(e)})`,
      'make it writable by this user, or set MANTIS_DATA_DIR to a writable directory',
    );
  }
}

/** A file that exists and may be executed (cheap: no process started). */
export function checkExecutable(name: string, path: string, fix: string): CheckResult {
  try {
    if (!statSync(path).isFile()) return fail(name, `${path} is not a file`, fix);
    accessSync(path, constants.X_OK);
    return ok(name, `${path} found`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(name, code === 'ENOENT' ? `${path} not found` : `${path} cannot be executed (${code ?? message(e)})`, fix);
  }
}

export const CHROMIUM_FIX = 'install Chromium (`apt-get install chromium`) or set MANTIS_CHROMIUM_PATH to its executable';
export const FFMPEG_FIX = 'install ffmpeg (`apt-get install ffmpeg`), set MANTIS_FFMPEG_PATH to it, or set MANTIS_RECORD_VIDEO=false';

/** Chromium launches headless the way the executor launches it, and reports its version. */
export async function checkChromiumLaunch(config: AppConfig): Promise<CheckResult> {
  const found = checkExecutable('chromium', config.browser.chromiumPath, CHROMIUM_FIX);
  if (found.status !== 'ok') return found;
  try {
    const { loadPlaywright } = await import('../executor/playwright-runtime.js');
    const { chromiumLaunchOptions } = await import('../executor/browser-pool.js');
    const pw = await loadPlaywright(config.browser.playwrightBrowsersPath, config.browser.ffmpegPath);
    const browser = await pw.chromium.launch({ ...chromiumLaunchOptions(config.browser), timeout: 30_000 });
    const version = browser.version();
    await browser.close();
    const as = config.browser.user ? ` as uid ${config.browser.user.uid}` : '';
    return ok('chromium', `${config.browser.chromiumPath} launches${as} (${version})`);
  } catch (e) {
    const user = config.browser.user;
    return fail(
      'chromium',
      `${config.browser.chromiumPath} does not launch${user ? ` as uid ${user.uid}` : ''}: ${message(e)}`,
      user
        ? 'MANTIS_BROWSER_UID needs a worker that may change user (root, or CAP_SETUID and CAP_SETGID: see docker/README.md) and setpriv; unset it to run Chromium as the worker'
        : 'run it by hand with --headless to see why, or point MANTIS_CHROMIUM_PATH at a working Chromium',
    );
  }
}

/** ffmpeg (for run videos) runs; skipped when recording is off. */
export async function checkFfmpegRuns(config: AppConfig): Promise<CheckResult> {
  if (!config.browser.recordVideo) return skip('ffmpeg', 'MANTIS_RECORD_VIDEO=false: runs keep traces only');
  const found = checkExecutable('ffmpeg', config.browser.ffmpegPath, FFMPEG_FIX);
  if (found.status !== 'ok') return found;
  try {
    const { stdout } = await promisify(execFile)(config.browser.ffmpegPath, ['-hide_banner', '-version'], { timeout: 15_000 });
    return ok(
      'ffmpeg',
      `${config.browser.ffmpegPath} runs (${stdout
        .split('\n')[0]
        .replace(/\s*Copyright.*$/, '')
        .trim()})`,
    );
  } catch (e) {
    return fail('ffmpeg', `${config.browser.ffmpegPath} does not run: ${message(e)}`, FFMPEG_FIX);
  }
}

/** PING within the time limit. A given client is reused (readiness); otherwise one is opened and closed. */
export async function checkRedis(config: AppConfig, client?: Redis | null, timeoutMs = 3_000): Promise<CheckResult> {
  if (!config.redisUrl) return skip('redis', 'REDIS_URL not set: rate limits are kept per process');
  const where = new URL(config.redisUrl).host;
  const { Redis } = await import('ioredis');
  const redis = client ?? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  if (!client) redis.on('error', () => undefined); // reported below, not as an unhandled event
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
    if (!client) await Promise.race([redis.connect(), timeout]);
    await Promise.race([redis.ping(), timeout]);
    return ok('redis', `${where} answers`);
  } catch (e) {
    return fail('redis', `${where} does not answer (${message(e)})`, 'check REDIS_URL and that Redis is running, or unset REDIS_URL on a single instance');
  } finally {
    clearTimeout(timer);
    if (!client) redis.disconnect();
  }
}

/** The issuer's discovery document is reachable and names the configured issuer and a JWKS. */
export async function checkOidc(config: AppConfig, timeoutMs = 5_000): Promise<CheckResult> {
  if (!config.oidc) return skip('oidc', 'MANTIS_AUTH_OIDC_ISSUER_URL not set');
  const issuer = config.oidc.issuerUrl;
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const fix = 'check MANTIS_AUTH_OIDC_ISSUER_URL (the issuer, without /.well-known/…) and that this host reaches it';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!res.ok) return fail('oidc', `${url} answered HTTP ${res.status}`, fix);
    const meta = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (meta.issuer?.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
      return fail(
        'oidc',
        `the discovery document names issuer ${meta.issuer ?? '(none)'}, not ${issuer}`,
        'set MANTIS_AUTH_OIDC_ISSUER_URL to exactly the issuer the document names',
      );
    }
    if (!meta.jwks_uri) return fail('oidc', `${url} has no jwks_uri`, 'configure the issuer to publish its signing keys');
    return ok('oidc', `${issuer} discovery reachable (JWKS ${meta.jwks_uri})`);
  } catch (e) {
    return fail('oidc', `${url} is unreachable (${message((e as Error).cause ?? e)})`, fix);
  }
}
