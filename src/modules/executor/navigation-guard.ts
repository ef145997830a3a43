import type { BrowserContext, Frame, Page, Request, Route } from 'playwright';
import { checkLiteralHost, withoutCredentials, type AddressPolicy } from '../../platform/net/egress-policy.js';
import { checkUrl } from '../../platform/net/url-allowlist.js';
import type { BlockCode, BlockReason, EgressBlock, EgressProxy } from './egress-proxy.js';
import { RendererWatch } from './renderer-watch.js';
import { RunFailure } from './run-failure.js';

export interface GuardEvents {
  navigation(data: { url: string; page: number }): void;
  blocked(data: { url: string; reason: BlockReason; code: BlockCode; step: number | null; range?: string; redirected_from?: string }): void;
}

/** What a page may load without the network: everything else that is not http(s) is refused. */
const LOCAL_SCHEMES = /^(?:data|blob|about):/i;
/** Every URL whose scheme is not http, https, data, blob or about (route patterns are matched in Playwright's server, so http(s) traffic is not slowed). */
const NON_NETWORK = /^(?!(?:https?|data|blob|about):)/i;

export type UrlVerdict = { allowed: true } | { allowed: false; code: BlockCode; reason: BlockReason; range?: string };

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
  return frame === null || frame.parentFrame() === null;
}

/**
 * The egress policy inside the browser. The run's `EgressProxy` refuses
 * every disallowed network request whatever issued it; this guard adds what
 * a proxy cannot see (non-network schemes such as `file:`: refused by a
 * context route at every hop, by the `RendererWatch` when a page asks for
 * one before any request exists, and by a commit backstop), turns a refused
 * top-level navigation into the run's failure (`violation`, which the
 * executor races every step against), and records each block as a
 * `request.blocked` event with the step that caused it.
 */
export class NavigationGuard {
  private readonly pages = new WeakMap<object, number>();
  private pageCount = 0;
  private failure: RunFailure | null = null;
  private rejectViolation!: (e: RunFailure) => void;
  readonly violation: Promise<never>;
  private current: number | null = null;
  private proxy: EgressProxy | null = null;
  private watch: RendererWatch | null = null;
  /**
   * The step that opened each new window, by the URL it opened (credentials
   * stripped): the window's first request reaches the proxy on its own
   * time, often after that step has returned, and is still that step's.
   */
  private readonly openedBy = new Map<string, number | null>();
  /** Scheme refusals already reported in this step: one attempt can be seen by more than one observer. */
  private readonly schemeBlocks = new Set<string>();

  constructor(
    private readonly allowedDomains: readonly string[],
    private readonly policy: AddressPolicy,
    private readonly events: GuardEvents,
  ) {
    this.violation = new Promise<never>((_, reject) => (this.rejectViolation = reject));
    this.violation.catch(() => undefined);
  }

  /** The plan step running now (-1: `start_url`), reported with every block. */
  get step(): number | null {
    return this.current;
  }

  set step(next: number | null) {
    // A new window asks for its page within moments: only the step just ended can still be owed one.
    for (const [url, opener] of this.openedBy) if (opener !== this.current) this.openedBy.delete(url);
    this.current = next;
  }

  get restricted(): boolean {
    return this.allowedDomains.length > 0;
  }

  /** The first blocked top-level navigation, if any. */
  get blocked(): RunFailure | null {
    return this.failure;
  }

  /** The checks that need no DNS: scheme, allowlist, literal private address or `localhost`. */
  check(url: string): UrlVerdict {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { allowed: false, code: 'destination_not_allowed', reason: 'scheme_not_allowed' };
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { allowed: false, code: 'destination_not_allowed', reason: 'scheme_not_allowed' };
    if (this.restricted && !checkUrl(url, this.allowedDomains).allowed) return { allowed: false, code: 'domain_not_allowed', reason: 'domain_not_allowed' };
    const literal = checkLiteralHost(u.hostname, this.policy);
    if (literal && !literal.allowed) return { allowed: false, code: 'destination_not_allowed', reason: 'address_not_allowed', range: literal.range };
    return { allowed: true };
  }

  /** Records a navigation the executor itself declined to start, and returns its failure. */
  refuse(url: string, verdict: Exclude<UrlVerdict, { allowed: true }>): RunFailure {
    const { allowed: _, ...block } = verdict;
    this.onBlock({ url: withoutCredentials(url), ...block });
    return this.fail({ url: withoutCredentials(url), ...block });
  }

  /** Called by the run's proxy for every request it refuses. */
  onBlock(block: EgressBlock): void {
    this.events.blocked({ ...block, step: this.stepOf(block.redirected_from ?? block.url) });
  }

  /** The step a blocked URL (or the URL that redirected to it) is charged to: the one that opened it as a new window, else the one running. */
  private stepOf(url: string): number | null {
    // A tunnel (https, ws) is reported by its origin: the path travels encrypted.
    const key = this.openedBy.has(url) ? url : [...this.openedBy.keys()].find((k) => URL.parse(k)?.origin === url);
    if (key === undefined) return this.current;
    const opener = this.openedBy.get(key)!;
    this.openedBy.delete(key);
    return opener;
  }

  private windowOpened(url: string): void {
    const u = URL.parse(url);
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return;
    if (this.openedBy.size >= 100) return; // a page opening windows in a loop: the rest are charged to the running step
    this.openedBy.set(withoutCredentials(u.href), this.current);
  }

  /** Waits until every renderer has delivered what the page asked for so far (see `RendererWatch.barrier`). */
  async settle(): Promise<void> {
    await this.watch?.barrier();
  }

  dispose(): void {
    this.watch?.close();
  }

  async install(context: BrowserContext, proxy: EgressProxy): Promise<void> {
    this.proxy = proxy;
    const watch = (page: Page) => {
      const n = this.pageCount++;
      this.pages.set(page, n);
      page.on('framenavigated', (frame) => this.committed(frame, n));
    };
    context.pages().forEach(watch);
    context.on('page', watch);
    context.on('response', (res) => {
      if (res.headers()['x-mantis-egress-blocked'] && isTopLevelNavigation(res.request())) this.navigationRefused(res.url());
    });
    context.on('requestfailed', (req) => {
      if (isTopLevelNavigation(req)) this.navigationRefused(req.url());
    });
    this.watch = new RendererWatch(
      (url, topLevel) => this.schemeAttempt(url, topLevel),
      (url) => this.windowOpened(url),
    );
    // Independent of each other: both are in place before install returns.
    await Promise.all([context.route(NON_NETWORK, (route) => this.refuseScheme(route)), this.watch.install(context)]);
  }

  private committed(frame: Frame, page: number): void {
    const url = frame.url();
    if (/^https?:/i.test(url)) {
      if (frame.parentFrame() === null) this.events.navigation({ url, page });
      return;
    }
    if (url === '' || LOCAL_SCHEMES.test(url)) return;
    // Backstop: a document from a refused scheme was committed although the route refused it.
    const block = { url: withoutCredentials(url), code: 'destination_not_allowed' as const, reason: 'scheme_not_allowed' as const };
    this.onBlock(block);
    this.fail(block);
    void frame
      .page()
      .goto('about:blank')
      .catch(() => undefined);
  }

  private navigationRefused(url: string): void {
    const block = this.proxy?.blockFor(url);
    if (block) this.fail(block);
  }

  private async refuseScheme(route: Route): Promise<void> {
    const req = route.request();
    this.schemeAttempt(req.url(), isTopLevelNavigation(req));
    await route.abort('blockedbyclient').catch(() => undefined);
  }

  /** A request for a refused scheme: a `request.blocked` event, and the run's failure when it was a top-level navigation. */
  private schemeAttempt(url: string, topLevel: boolean): void {
    const block = { url: withoutCredentials(url), code: 'destination_not_allowed' as const, reason: 'scheme_not_allowed' as const };
    const key = `${this.step}|${topLevel}|${block.url}`;
    if (this.schemeBlocks.has(key)) return;
    if (this.schemeBlocks.size > 1000) this.schemeBlocks.clear();
    this.schemeBlocks.add(key);
    this.onBlock(block);
    if (topLevel) this.fail(block);
  }

  private fail(block: EgressBlock): RunFailure {
    if (!this.failure) {
      const message =
        block.code === 'domain_not_allowed'
          ? `Navigation to ${block.url} is outside the team's allowed_domains`
          : `Navigation to ${block.url} is refused by the browser egress policy (${block.reason}${block.range ? `: ${block.range}` : ''})`;
      this.failure = new RunFailure(block.code, message, { url: block.url, reason: block.reason });
      this.rejectViolation(this.failure);
    }
    return this.failure;
  }
}
