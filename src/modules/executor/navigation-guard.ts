import type { APIResponse, BrowserContext, Frame, Request, Route } from 'playwright';
import { checkUrl } from '../runs/url-allowlist.js';
import { RunFailure } from './run-failure.js';

const MAX_REDIRECT_HOPS = 20;

export interface GuardEvents {
  navigation(data: { url: string; page: number }): void;
  blocked(data: { url: string; reason: string; redirected_from?: string; page: number | null }): void;
}

function isTopLevel(frame: Frame | null): boolean {
  return frame !== null && frame.parentFrame() === null;
}

function frameOf(req: Request): Frame | null {
  try {
    return req.frame();
  } catch {
    return null; // a popup's first navigation is issued before its frame exists
  }
}

/** A navigation of a page's main frame; one without a frame yet is a new page's (window.open, target=_blank). */
function isTopLevelNavigation(req: Request): boolean {
  if (!req.isNavigationRequest()) return false;
  const frame = frameOf(req);
  return frame === null || isTopLevel(frame);
}

/**
 * Holds every top-level navigation of every page in a run's context (the
 * first page, popups, `window.open`, meta refresh, form posts, link clicks)
 * to the team's `allowed_domains`, redirect hops included.
 *
 * Chromium follows redirects without showing the hops to a route handler, so
 * the handler fetches each hop itself with `maxRedirects: 0`, checks every
 * `Location`, aborts on the first disallowed one and otherwise answers the
 * browser with the final response (or a redirect straight to the checked
 * final URL, so the page ends up at the right address). A request event
 * listener is the backstop for a server that answers the browser's own
 * follow-up differently. A blocked navigation rejects `violation`, which the
 * executor races every step against.
 */
export class NavigationGuard {
  private readonly pages = new WeakMap<object, number>();
  private pageCount = 0;
  private failure: RunFailure | null = null;
  private rejectViolation!: (e: RunFailure) => void;
  readonly violation: Promise<never>;

  constructor(
    private readonly allowedDomains: readonly string[],
    private readonly events: GuardEvents,
  ) {
    this.violation = new Promise<never>((_, reject) => (this.rejectViolation = reject));
    this.violation.catch(() => undefined);
  }

  get restricted(): boolean {
    return this.allowedDomains.length > 0;
  }

  /** The first blocked top-level navigation, if any. */
  get blocked(): RunFailure | null {
    return this.failure;
  }

  allows(url: string): boolean {
    return !this.restricted || checkUrl(url, this.allowedDomains).allowed;
  }

  /** Records a navigation the executor itself declined to start, and returns its failure. */
  refuse(url: string): RunFailure {
    this.block(url, 'not_allowed', null);
    return this.failure!;
  }

  async install(context: BrowserContext): Promise<void> {
    context.on('page', (page) => {
      const n = this.pageCount++;
      this.pages.set(page, n);
      page.on('framenavigated', (frame) => {
        if (isTopLevel(frame) && /^https?:/.test(frame.url())) this.events.navigation({ url: frame.url(), page: n });
      });
    });
    if (!this.restricted) return;
    context.on('request', (req) => this.backstop(req));
    await context.route('**/*', (route) => this.handle(route));
  }

  private pageIndex(frame: Frame | null): number | null {
    if (!frame) return null;
    return this.pages.get(frame.page()) ?? null;
  }

  private block(url: string, reason: string, frame: Frame | null, redirectedFrom?: string): void {
    this.events.blocked({ url, reason, page: this.pageIndex(frame), ...(redirectedFrom ? { redirected_from: redirectedFrom } : {}) });
    if (!this.failure) {
      this.failure = new RunFailure('domain_not_allowed', `Navigation to ${url} is outside the team's allowed_domains`, { url });
      this.rejectViolation(this.failure);
    }
  }

  private backstop(req: Request): void {
    const from = req.redirectedFrom();
    if (!from || !isTopLevelNavigation(req)) return;
    if (!this.allows(req.url())) this.block(req.url(), 'redirect_not_allowed', frameOf(req), from.url());
  }

  private async handle(route: Route): Promise<void> {
    const req = route.request();
    const frame = frameOf(req);
    if (!isTopLevelNavigation(req)) return route.fallback();
    const url = req.url();
    if (!this.allows(url)) {
      this.block(url, 'not_allowed', frame);
      return route.abort('blockedbyclient');
    }
    try {
      await this.followChain(route, frame);
    } catch (e) {
      if ((e as Error).message?.includes('closed')) return;
      await route.abort('failed').catch(() => undefined);
    }
  }

  private async followChain(route: Route, frame: Frame | null): Promise<void> {
    const req = route.request();
    let url = req.url();
    let method = req.method();
    let response: APIResponse = await route.fetch({ maxRedirects: 0 });
    let hops = 0;
    while (response.status() >= 300 && response.status() < 400 && response.headers().location) {
      const next = new URL(response.headers().location, url).href;
      if (!this.allows(next)) {
        this.block(next, 'redirect_not_allowed', frame, url);
        return route.abort('blockedbyclient');
      }
      if (++hops > MAX_REDIRECT_HOPS) return route.abort('failed');
      const status = response.status();
      const keepsMethod = status === 307 || status === 308;
      if (!keepsMethod && method !== 'HEAD') method = 'GET';
      url = next;
      response = await route.fetch({ url, method, maxRedirects: 0, ...(keepsMethod ? {} : { postData: undefined }) });
    }
    if (hops === 0) return route.fulfill({ response });
    // The browser re-requests the checked final URL so the page's address is right.
    const status = method === req.method() && method !== 'GET' ? 307 : 302;
    return route.fulfill({ status, headers: { location: url } });
  }
}
