import { lookup as dnsLookup } from 'node:dns/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import {
  bareHost,
  checkAddress,
  isIpLiteral,
  isLocalhostName,
  LOCALHOST_ADDRESSES,
  withoutCredentials,
  type AddressPolicy,
} from '../../platform/net/egress-policy.js';
import { checkUrl } from '../../platform/net/url-allowlist.js';

export type BlockCode = 'destination_not_allowed' | 'domain_not_allowed';
export type BlockReason = 'scheme_not_allowed' | 'domain_not_allowed' | 'address_not_allowed' | 'redirect_not_allowed' | 'unresolvable';

export interface EgressBlock {
  /** The refused URL, credentials stripped; for a tunnel (https, wss) its origin, as the path travels encrypted. */
  url: string;
  code: BlockCode;
  reason: BlockReason;
  /** The non-public range of the refused address. */
  range?: string;
  redirected_from?: string;
}

export type HostResolver = (host: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

type Decision = { allowed: true; address: string } | { allowed: false; block: Omit<EgressBlock, 'url'> };

export interface EgressProxyOptions {
  policy: AddressPolicy;
  allowedDomains: readonly string[];
  resolve?: HostResolver;
  onBlock(block: EgressBlock): void;
}

const HOP_BY_HOP = ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade'];
const BLOCK_HEADER = 'x-mantis-egress-blocked';

/**
 * The one way out for a run's browser: Chromium is started with this HTTP
 * proxy (`--proxy-server`, loopback included), so every request it makes
 * (navigations and redirect hops, sub-resources, iframes, fetch/XHR,
 * WebSockets, workers, service workers, popups) arrives here. Each
 * connection's host is held to the team's allowlist, resolved once, and
 * connected to only at an address the policy allows: the address checked is
 * the address used, so a second DNS answer (rebinding) cannot move it. Plain
 * http redirects are checked before the browser sees them.
 */
export class EgressProxy {
  private readonly blocks = new Map<string, EgressBlock>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly opts: EgressProxyOptions,
  ) {}

  static async start(opts: EgressProxyOptions): Promise<EgressProxy> {
    const server = createServer();
    const proxy = new EgressProxy(server, opts);
    server.on('request', (req, res) => void proxy.forward(req, res));
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => void proxy.tunnel(req, socket, head));
    server.on('connection', (s: Socket) => {
      proxy.sockets.add(s);
      s.on('close', () => proxy.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** `http://127.0.0.1:<port>`, for the browser context's proxy setting. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** The block recorded for a URL (or, for a tunnel, its origin), if this proxy refused it. */
  blockFor(url: string): EgressBlock | undefined {
    const exact = this.blocks.get(withoutCredentials(url));
    if (exact) return exact;
    try {
      const u = new URL(url);
      return this.blocks.get(`tunnel:${u.hostname}:${u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80')}`);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(key: string, block: EgressBlock): void {
    if (this.blocks.size > 1000) this.blocks.clear();
    this.blocks.set(key, block);
    this.opts.onBlock(block);
  }

  /** Allowlist, then the address: literal, `localhost`, or resolved once. */
  private async decide(hostname: string): Promise<Decision> {
    if (this.opts.allowedDomains.length > 0 && !checkUrl(`http://${hostname}/`, this.opts.allowedDomains).allowed) {
      return { allowed: false, block: { code: 'domain_not_allowed', reason: 'domain_not_allowed' } };
    }
    const host = bareHost(hostname);
    let addresses: string[];
    if (isIpLiteral(host)) addresses = [host];
    else if (isLocalhostName(host)) addresses = [...LOCALHOST_ADDRESSES];
    else {
      try {
        addresses = await (this.opts.resolve ?? systemResolver)(host);
      } catch {
        addresses = [];
      }
      if (addresses.length === 0) return { allowed: false, block: { code: 'destination_not_allowed', reason: 'unresolvable' } };
    }
    let range: string | undefined;
    for (const a of addresses) {
      const v = checkAddress(a, this.opts.policy);
      if (v.allowed) return { allowed: true, address: a };
      range ??= v.range;
    }
    return { allowed: false, block: { code: 'destination_not_allowed', reason: 'address_not_allowed', range } };
  }

  /** A plain-http request in absolute form (`GET http://host/path`). */
  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return refuse(res, 400, 'not a proxy request');
    }
    if (url.protocol !== 'http:') {
      this.record(withoutCredentials(url.href), { url: withoutCredentials(url.href), code: 'destination_not_allowed', reason: 'scheme_not_allowed' });
      return refuse(res, 403, 'scheme not allowed');
    }
    const shown = withoutCredentials(url.href);
    const d = await this.decide(url.hostname);
    if (!d.allowed) {
      this.record(shown, { url: shown, ...d.block });
      return refuse(res, 403, 'destination not allowed by the egress policy');
    }
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    const upstream = httpRequest({
      host: d.address,
      port: url.port || 80,
      method: req.method,
      path: url.pathname + url.search,
      headers,
      setHost: false,
      agent: false,
    });
    upstream.on('response', (up) => void this.answer(url, shown, up, res));
    upstream.on('error', () => (res.headersSent ? res.destroy() : refuse(res, 502, 'upstream unreachable')));
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  }

  /** Relays the upstream answer; a redirect to a refused place is answered 403 instead. */
  private async answer(url: URL, shown: string, up: IncomingMessage, res: ServerResponse): Promise<void> {
    const location = up.headers.location;
    if (up.statusCode && up.statusCode >= 300 && up.statusCode < 400 && location) {
      const refused = await this.refusedRedirect(url, location);
      if (refused) {
        up.destroy();
        // Keyed by the URL the browser asked for: its answer is the refusal.
        this.record(shown, { ...refused, redirected_from: shown });
        return refuse(res, 403, 'redirect not allowed by the egress policy');
      }
    }
    const headers = { ...up.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
    up.pipe(res);
  }

  private async refusedRedirect(from: URL, location: string): Promise<EgressBlock | null> {
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      return null; // the browser treats it as no redirect
    }
    const shown = withoutCredentials(next.href);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return { url: shown, code: 'destination_not_allowed', reason: 'redirect_not_allowed' };
    const d = await this.decide(next.hostname);
    return d.allowed ? null : { url: shown, ...d.block, reason: 'redirect_not_allowed' };
  }

  /** CONNECT host:port: https and every WebSocket. */
  private async tunnel(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let target: URL;
    try {
      target = new URL(`https://${req.url ?? ''}`);
    } catch {
      return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    }
    const port = Number(target.port || 443);
    const origin = withoutCredentials(`https://${target.host}`);
    const d = await this.decide(target.hostname);
    if (!d.allowed) {
      this.record(`tunnel:${target.hostname}:${port}`, { url: origin, ...d.block });
      return void socket.end(`HTTP/1.1 403 Forbidden\r\n${BLOCK_HEADER}: 1\r\n\r\n`);
    }
    const upstream = connect(port, d.address, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('close', () => upstream.destroy());
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', [BLOCK_HEADER]: '1', connection: 'close' });
  res.end(`Mantis: ${message}\n`);
}
