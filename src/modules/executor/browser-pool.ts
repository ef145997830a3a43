import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright';
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

  /** Runs `fn` with a fresh context (its first page open); the context is closed afterwards whatever happens. */
  async withContext<T>(options: BrowserContextOptions, fn: (context: BrowserContext) => Promise<T>): Promise<T> {
    await this.slots.take();
    try {
      const browser = await this.getBrowser();
      const context = await this.newContext(browser, options);
      try {
        return await fn(context);
      } finally {
        await context.close().catch(() => undefined);
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
  private async newContext(browser: Browser, options: BrowserContextOptions): Promise<BrowserContext> {
    if (!options.recordVideo) {
      const context = await browser.newContext(options);
      await context.newPage();
      return context;
    }
    let context: BrowserContext | null = null;
    try {
      context = await browser.newContext(options);
      await context.newPage();
      return context;
    } catch (e) {
      await context?.close().catch(() => undefined);
      this.videoAvailable = false;
      this.logger.warn({ component: 'browser-pool', err: (e as Error).message.split('\n')[0] }, 'video recording unavailable; recording traces only');
      const { recordVideo: _, ...rest } = options;
      return this.newContext(browser, rest);
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
    // Shutdown is ours (drain, release runs, then close): Playwright must not kill Chromium on a signal first.
    const browser = await pw.chromium.launch({
      executablePath: this.config.browser.chromiumPath,
      args: CHROMIUM_ARGS,
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
    this.logger.info({ component: 'browser-pool', version: browser.version(), video: this.videoAvailable }, 'chromium started');
    return browser;
  }
}
