import type { BrowserContext, CDPSession, Frame, Page } from 'playwright';

/** What the watch reports: a page asked for a URL whose scheme the egress policy refuses. */
export type SchemeAttempt = (url: string, topLevel: boolean) => void;
/** What the watch reports: a page is opening a new window (`window.open`, `target=_blank`) at this URL. */
export type WindowOpened = (url: string) => void;

/** Schemes a page may use without the network, or that run script in the page itself rather than load anything. */
const IN_PAGE = /^(?:https?|data|blob|about|javascript):/i;

/**
 * Chromium's renderer refuses a web page's request for a local resource
 * (`file:`, `chrome:`, `view-source:`) before any network request exists, so
 * neither the egress proxy nor a context route ever sees it; Chromium's only
 * trace is this security-log entry (Blink, `FrameLoader` and window creation).
 */
const LOCAL_REFUSAL = 'Not allowed to load local resource: ';

const BARRIER_MS = 2_000;

interface FrameRequestedNavigation {
  frameId: string;
  url: string;
  disposition?: string;
}

/**
 * Watches what each renderer of a run's browser asks to navigate to, over a
 * CDP session of our own on every page (popups included) and every
 * out-of-process iframe, so that every attempt at a scheme the egress policy
 * refuses is the policy's refusal, not only the browser's:
 *
 * - `Page.frameRequestedNavigation` / `Page.frameScheduledNavigation` name
 *   the frame and URL of a renderer-initiated navigation (link, form, meta
 *   refresh, `location`), before the renderer's own check; one in the top
 *   frame, or into a new tab or window, is a top-level navigation;
 * - the renderer's security-log entry for a refused local resource covers
 *   what has no navigation event (`window.open`, `target=_blank`, an iframe
 *   `src`): it is a sub-resource when a child frame was just attached for it
 *   (`Page.frameAttached` with no navigation of its own), else a new window.
 *
 * Every attempt is reported through `onAttempt`, and every new window a
 * page opens (`Page.windowOpen`, sent by the opener's renderer before the
 * new window asks the network for anything) through `onWindowOpen`;
 * `barrier()` waits until every renderer has delivered what it logged so
 * far, so an attempt, or a new window's first request, is charged to the
 * step that caused it.
 */
export class RendererWatch {
  private readonly sessions = new Set<CDPSession>();
  private readonly framesTried = new WeakSet<Frame>();
  private closed = false;

  constructor(
    private readonly onAttempt: SchemeAttempt,
    private readonly onWindowOpen: WindowOpened = () => undefined,
  ) {}

  static refusedScheme(url: string): boolean {
    return !IN_PAGE.test(url);
  }

  async install(context: BrowserContext): Promise<void> {
    context.on('page', (page) => void this.watchPage(context, page));
    await Promise.all(context.pages().map((page) => this.watchPage(context, page)));
  }

  /**
   * Resolves once every watched renderer has answered a round trip on our
   * session, so everything it logged before has been seen; a renderer busy
   * running page script is waited for at most `BARRIER_MS`.
   */
  async barrier(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, BARRIER_MS)));
    const all = Promise.all([...this.sessions].map((s) => s.send('Runtime.evaluate', { expression: '0', returnByValue: true }).catch(() => undefined)));
    await Promise.race([all, bound]);
    clearTimeout(timer);
  }

  close(): void {
    this.closed = true;
    for (const s of this.sessions) void s.detach().catch(() => undefined);
    this.sessions.clear();
  }

  private async watchPage(context: BrowserContext, page: Page): Promise<void> {
    const top = await this.attach(context, page, null);
    if (top === null) return;
    // Cross-site iframes render in their own process: their log is on their own target.
    const tryFrame = (frame: Frame) => {
      if (frame === page.mainFrame() || this.framesTried.has(frame)) return;
      this.framesTried.add(frame);
      // A same-process frame has no target of its own (yet): tried again when it next navigates.
      void this.attach(context, frame, top).then((t) => t === null && this.framesTried.delete(frame));
    };
    page.on('framenavigated', tryFrame);
    page.frames().forEach(tryFrame);
  }

  /** Attaches to a page's (or an out-of-process frame's) target; returns the top frame's id. */
  private async attach(context: BrowserContext, target: Page | Frame, topFrameId: string | null): Promise<string | null> {
    if (this.closed) return null;
    let session: CDPSession;
    try {
      session = await context.newCDPSession(target);
    } catch {
      return null; // a same-process frame (its page's session sees it) or a page already closed
    }
    this.sessions.add(session);
    let top = topFrameId;
    /** A child frame attached with no navigation event yet: the next local refusal is its `src`. */
    let pendingChild: string | null = null;
    /** Refused URLs a frame asked for, by URL: the renderer's log entry for one of them belongs to that frame. */
    const asked = new Map<string, string>();
    const requested = (e: FrameRequestedNavigation) => {
      pendingChild = null;
      if (!RendererWatch.refusedScheme(e.url)) return;
      if (asked.size > 100) asked.clear();
      asked.set(e.url, e.frameId);
      const newWindow = e.disposition === 'newTab' || e.disposition === 'newWindow';
      this.onAttempt(e.url, newWindow || e.frameId === top);
    };
    session.on('Page.windowOpen', (e: { url: string }) => this.onWindowOpen(e.url));
    session.on('Page.frameAttached', (e: { frameId: string }) => (pendingChild = e.frameId));
    session.on('Page.frameRequestedNavigation', requested);
    session.on('Page.frameScheduledNavigation', requested);
    session.on('Log.entryAdded', (e: { entry: { source: string; text: string } }) => {
      if (e.entry.source !== 'security' || !e.entry.text.startsWith(LOCAL_REFUSAL)) return;
      const url = e.entry.text.slice(LOCAL_REFUSAL.length);
      const frame = asked.get(url);
      asked.delete(url);
      const topLevel = frame !== undefined ? frame === top : pendingChild === null;
      pendingChild = null;
      this.onAttempt(url, topLevel);
    });
    try {
      // One session's commands run in the order sent: sent together, they cost one round trip.
      const [tree] = await Promise.all([
        top === null ? (session.send('Page.getFrameTree') as Promise<{ frameTree: { frame: { id: string } } }>) : null,
        session.send('Page.enable'),
        session.send('Log.enable'),
      ]);
      top ??= tree!.frameTree.frame.id;
    } catch {
      this.sessions.delete(session);
      return null; // closed while attaching
    }
    return top;
  }
}
