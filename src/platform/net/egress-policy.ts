import ipaddr from 'ipaddr.js';

/**
 * Which destination addresses outbound traffic may reach: the browser's
 * egress proxy, submit-time plan checks and webhook deliveries share it.
 * Pure: no DNS, no I/O.
 */
export interface AddressPolicy {
  /** Every address is allowed (an install whose browsers automate internal sites). */
  allowPrivate: boolean;
  /** Non-public ranges that are allowed anyway, as CIDRs. */
  privateRanges: readonly string[];
}

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const cidrCache = new Map<string, Cidr>();
function cidr(s: string): Cidr {
  let c = cidrCache.get(s);
  if (!c) {
    c = ipaddr.parseCIDR(s) as Cidr;
    cidrCache.set(s, c);
  }
  return c;
}

/** The IPv4 address an IPv6 form embeds (IPv4-mapped, SIIT, NAT64, 6to4), if any. */
function embeddedV4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v6.toIPv4Address();
  if (range === 'rfc6052') return ipaddr.fromByteArray(v6.toByteArray().slice(12)) as ipaddr.IPv4;
  if (range === '6to4') return ipaddr.fromByteArray(v6.toByteArray().slice(2, 6)) as ipaddr.IPv4;
  return null;
}

/**
 * The non-public range an address falls in (private, loopback, linkLocal,
 * carrierGradeNat, multicast, unspecified, ...), or null for a public unicast
 * address. IPv6 forms that embed an IPv4 address are judged by that address.
 */
export function refusedRange(ip: string): string | null {
  if (!ipaddr.isValid(ip)) return 'invalid_address';
  const addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv4') {
    const range = (addr as ipaddr.IPv4).range();
    return range === 'unicast' ? null : range;
  }
  const v6 = addr as ipaddr.IPv6;
  const inner = embeddedV4(v6);
  if (inner) {
    const r = refusedRange(inner.toString());
    return r === null ? null : `${v6.range()}:${r}`;
  }
  const range = v6.range();
  return range === 'unicast' ? null : range;
}

function inConfiguredRange(ip: string, ranges: readonly string[]): boolean {
  const addr = ipaddr.parse(ip);
  const forms: (ipaddr.IPv4 | ipaddr.IPv6)[] = [addr];
  if (addr.kind() === 'ipv6') {
    const inner = embeddedV4(addr as ipaddr.IPv6);
    if (inner) forms.push(inner);
  }
  return ranges.some((r) => {
    const [net, bits] = cidr(r);
    return forms.some((f) => f.kind() === net.kind() && f.match(net, bits));
  });
}

/** Whether the policy lets traffic reach this address (the one actually connected to). */
export function checkAddress(ip: string, policy: AddressPolicy): AddressVerdict {
  if (!ipaddr.isValid(ip)) return { allowed: false, range: 'invalid_address' };
  if (policy.allowPrivate) return { allowed: true };
  const range = refusedRange(ip);
  if (range === null || inConfiguredRange(ip, policy.privateRanges)) return { allowed: true };
  return { allowed: false, range };
}

/** `localhost` and its subdomains always mean loopback (browsers never ask DNS for them). */
export function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

export const LOCALHOST_ADDRESSES = ['127.0.0.1', '::1'] as const;

/** A literal IPv4 (dotted decimal, as WHATWG parsing leaves it) or IPv6 address. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host);
}

/** The bare host of a WHATWG-parsed URL: IPv6 literals lose their brackets, names their trailing dot. */
export function bareHost(hostname: string): string {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/**
 * The verdict on a host known without DNS: a literal address, or `localhost`
 * (allowed when either loopback address is). Null for a name that needs
 * resolving.
 */
export function checkLiteralHost(hostname: string, policy: AddressPolicy): AddressVerdict | null {
  const host = bareHost(hostname);
  if (isIpLiteral(host)) return checkAddress(host, policy);
  if (!isLocalhostName(host)) return null;
  const verdicts = LOCALHOST_ADDRESSES.map((a) => checkAddress(a, policy));
  return verdicts.find((v) => v.allowed) ?? verdicts[0];
}

/** A URL safe to show in events and errors: userinfo removed. */
export function withoutCredentials(raw: string): string {
  try {
    const u = new URL(raw);
    if (!u.username && !u.password) return raw;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/, '//');
  }
}
