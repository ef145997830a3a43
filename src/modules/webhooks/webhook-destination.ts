import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { refusedRange } from '../../platform/net/egress-policy.js';

/** Shared with the browser's egress policy, so webhooks and runs refuse the same ranges. */
export { refusedRange };

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

export type DestinationCheck = { ok: true; url: URL; pinned: PinnedAddress } | { ok: false; reason: string; retryable: boolean };

export type Resolver = (host: string) => Promise<PinnedAddress[]>;

const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** URL-level checks that need no DNS: scheme, credentials, host. */
export function parseWebhookUrl(raw: string): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'must be an http or https URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  if (!url.hostname) return { ok: false, reason: 'must have a host' };
  return { ok: true, url };
}

/** The bare host to resolve: IPv6 literals lose their brackets, names their trailing dot. */
function hostOf(url: URL): string {
  const h = url.hostname;
  if (h.startsWith('[') && h.endsWith(']')) return h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/**
 * Checks a webhook destination and picks the address to connect to. The URL
 * parser has already normalised decimal, hex and octal IPv4 forms. Every
 * address a name resolves to must be public (a name with one private record
 * is refused), and the delivery connects to the address checked here, so a
 * second DNS answer cannot redirect it (no DNS rebinding).
 */
export async function checkDestination(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<DestinationCheck> {
  const parsed = parseWebhookUrl(raw);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, retryable: false };
  const host = hostOf(parsed.url);
  let addresses: PinnedAddress[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: 'host does not resolve', retryable: true };
    }
    if (addresses.length === 0) return { ok: false, reason: 'host does not resolve', retryable: true };
  }
  if (!allowPrivate) {
    for (const a of addresses) {
      const range = refusedRange(a.address);
      if (range) return { ok: false, reason: `destination address is not public (${range})`, retryable: false };
    }
  }
  return { ok: true, url: parsed.url, pinned: addresses[0] };
}
