import { chmod, mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Browser, BrowserContext, BrowserContextOptions, LaunchOptions, Page } from 'playwright';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { loadPlaywright } from './playwright-runtime.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // WebRTC could send UDP around the egress proxy: only proxied traffic is allowed.
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

/** Starts Chromium as `MANTIS_BROWSER_UID` (the same path from `src/` and from `dist/`). */
export const BROWSER_USER_LAUNCHER = fileURLToPath(new URL('../../../scripts/chromium-as-user.sh', import.meta.url));

/** The worker's variables Chromium gets: none of its credentials (database URL, master key, tokens) ever reach the browser. */
const BROWSER_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'FONTCONFIG_PATH', 'FONTCONFIG_FILE'];

/**
 * How the executor (and `mantis doctor`) starts Chromium. With
 * `browser.user` it is started through the launcher script, which drops to
 * that user with no capabilities and gives it a fresh profile directory of
 * its own, so the browser cannot open the data directory, the secrets
 * directory or anything else only the worker's user may read.
 */
export function chromiumLaunchOptions(browser: AppConfig['browser']): LaunchOptions {
  const env: Record<string, string> = {};
  for (const name of BROWSER_ENV) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  const options: LaunchOptions = { executablePath: browser.chromiumPath, args: CHROMIUM_ARGS, env };
  if (browser.user) {
    options.executablePath = BROWSER_USER_LAUNCHER;
    env.MANTIS_BROWSER_UID = String(browser.user.uid);
    env.MANTIS_BROWSER_GID = String(browser.user.gid);
    env.MANTIS_BROWSER_EXECUTABLE = browser.chromiumPath;
  }
  return options;
}

/** A counting semaphore: at most `size` holders at once, FIFO. */
class Slots {
  private free: number;
  private readonly waiters: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  give(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * One long-lived Chromium per worker process, a fresh context per run. The
 * browser is relaunched on the next use after it crashes or disconnects; at
 * most `worker.concurrency` contexts are open at once.
 */
@Injectable()
export class BrowserPool implements OnApplicationBootstrap, OnApplicationShutdown {
  private browser: Promise<Browser> | null = null;
  private current: Browser | null = null;
  private readonly slots: Slots;
  private closing = false;
  private launched = false;
  videoAvailable = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
  ) {
    this.slots = new Slots(config.worker.concurrency);
  }

  /** Workers start Chromium at boot so the first run does not pay for it. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.roles.includes('worker')) await this.getBrowser();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close().catch(() => undefined);
  }

  /**
   * Runs `fn` with a fresh context (its first page open); the context is
   * closed afterwards whatever happens, and every video its pages recorded is
   * deleted: Playwright keeps a page's video (its file, and its record of it,
   * which holds the whole closed context) on the browser until it is deleted
   * or the browser closes, so the worker's long-lived browser would keep
   * every run's. A video `fn` wants to keep, it moves away before returning.
   */
  async withContext<T>(options: BrowserContextOptions, fn: (context: BrowserContext) => Promise<T>): Promise<T> {
    await this.slots.take();
    const pages = new Set<Page>();
    try {
      const browser = await this.getBrowser();
      const context = await this.newContext(browser, options, pages);
      try {
        return await fn(context);
      } finally {
        await context.close().catch(() => undefined);
        await Promise.all(
          [...pages].map((p) =>
            p
              .video()
              ?.delete()
              .catch(() => undefined),
          ),
        );
      }
    } finally {
      this.slots.give();
    }
  }

  /**
   * A context with its first page. When video recording cannot start
   * (Playwright found no ffmpeg, e.g. it was loaded elsewhere in the process
   * before its browsers path was set, or that ffmpeg is gone: this shows only
   * when the first page opens), video is turned off for this process and the
   * run goes on with its trace only.
   */
  private async newContext(browser: Browser, options: BrowserContextOptions, pages: Set<Page>): Promise<BrowserContext> {
    const open = async (context: BrowserContext) => {
      context.on('page', (p) => pages.add(p));
      pages.add(await context.newPage());
      return context;
    };
    if (!options.recordVideo) return open(await browser.newContext(options));
    let context: BrowserContext | null = null;
    try {
      context = await browser.newContext(options);
      return await open(context);
    } catch (e) {
      await context?.close().catch(() => undefined);
      this.videoAvailable = false;
      this.logger.warn({ component: 'browser-pool', err: (e as Error).message.split('\n')[0] }, 'video recording unavailable; recording traces only');
      const { recordVideo: _, ...rest } = options;
      return this.newContext(browser, rest, pages);
    }
  }

  async getBrowser(): Promise<Browser> {
    if (this.closing) throw new Error('browser pool is shutting down');
    this.browser ??= this.launch();
    try {
      const b = await this.browser;
      if (b.isConnected()) return b;
    } catch {
      // a failed launch is retried below, once
    }
    this.browser = this.launch();
    return this.browser;
  }

  private async launch(): Promise<Browser> {
    const pw = await loadPlaywright(this.config.browser.playwrightBrowsersPath, this.config.browser.ffmpegPath);
    if (!this.launched) {
      this.videoAvailable = pw.videoAvailable;
      if (this.config.browser.recordVideo && !pw.videoAvailable) {
        this.logger.warn(
          { component: 'browser-pool', ffmpeg: this.config.browser.ffmpegPath },
          'video recording unavailable (no ffmpeg); recording traces only',
        );
      }
    }
    this.launched = true;
    if (this.config.browser.user) await this.closeDirectories();
    // Shutdown is ours (drain, release runs, then close): Playwright must not kill Chromium on a signal first.
    const browser = await pw.chromium.launch({
      ...chromiumLaunchOptions(this.config.browser),
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    this.current = browser;
    browser.on('disconnected', () => {
      if (this.closing || this.current !== browser) return;
      this.current = null;
      this.logger.warn({ component: 'browser-pool' }, 'chromium disconnected; relaunching on next run');
      this.browser = null;
    });
    this.logger.info(
      { component: 'browser-pool', version: browser.version(), video: this.videoAvailable, uid: this.config.browser.user?.uid ?? process.getuid?.() },
      'chromium started',
    );
    return browser;
  }

  /**
   * With Chromium under its own user, the data and secrets directories are
   * the worker's alone (mode 0700): what lies below them (profiles, run
   * artifacts, secret files) is then out of the browser's reach whatever
   * the files' own modes.
   */
  private async closeDirectories(): Promise<void> {
    for (const dir of new Set([this.config.dataDir, this.config.secretsDir])) {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const st = await stat(dir);
        if ((st.mode & 0o077) === 0) continue;
        await chmod(dir, st.mode & 0o700);
        this.logger.info({ component: 'browser-pool', dir }, 'directory closed to other users (Chromium runs as MANTIS_BROWSER_UID)');
      } catch (e) {
        // A read-only mount (e.g. a secrets volume) keeps its mode: the operator's to set.
        this.logger.warn({ component: 'browser-pool', dir, err: (e as Error).message }, 'directory not closed to other users; Chromium may be able to read it');
      }
    }
  }
}
