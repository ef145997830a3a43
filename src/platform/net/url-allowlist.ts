import { domainToASCII } from 'node:url';

/**
 * The URL allowlist of the OpenAPI description (runs), shared by submit-time validation and the
 * executor's navigation checks, so both hold the same rule.
 *
 * A URL passes when it parses (WHATWG, as the browser does), is http or
 * https, carries no userinfo, and — with a non-empty list — its host
 * (lowercase, punycode, trailing dot removed) equals an entry or, for an entry
 * `*.d`, ends with `.d` (any depth, never `d` itself). IP hosts match only an
 * entry naming that same address; wildcards never match an IP. With an empty
 * list every http(s) URL without userinfo passes.
 */
export type UrlVerdict = { allowed: true; host: string } | { allowed: false; reason: 'unparseable' | 'scheme' | 'userinfo' | 'host' };

interface Entry {
  wildcard: boolean;
  host: string;
}

export function checkUrl(raw: string, allowedDomains: readonly string[]): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'unparseable' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { allowed: false, reason: 'scheme' };
  if (url.username !== '' || url.password !== '') return { allowed: false, reason: 'userinfo' };
  const host = stripTrailingDot(url.hostname);
  if (host === '') return { allowed: false, reason: 'host' };
  if (allowedDomains.length === 0) return { allowed: true, host };
  const ip = isIpHost(host);
  for (const entry of parseEntries(allowedDomains)) {
    if (!entry.wildcard && entry.host === host) return { allowed: true, host };
    if (entry.wildcard && !ip && host.endsWith(`.${entry.host}`)) return { allowed: true, host };
  }
  return { allowed: false, reason: 'host' };
}

export function isUrlAllowed(raw: string, allowedDomains: readonly string[]): boolean {
  return checkUrl(raw, allowedDomains).allowed;
}

/** The first URL in the list that fails the check, if any. */
export function firstDisallowedUrl(urls: readonly string[], allowedDomains: readonly string[]): string | undefined {
  return urls.find((u) => !isUrlAllowed(u, allowedDomains));
}

const entryCache = new Map<string, Entry | null>();

function parseEntries(domains: readonly string[]): Entry[] {
  const out: Entry[] = [];
  for (const d of domains) {
    let entry = entryCache.get(d);
    if (entry === undefined) {
      entry = normalizeEntry(d);
      if (entryCache.size > 10_000) entryCache.clear();
      entryCache.set(d, entry);
    }
    if (entry) out.push(entry);
  }
  return out;
}

/** Entries go through the same host parser as URLs, so `Bücher.DE.`, `*.EXAMPLE.com` and `[::1]` compare like hosts do. */
export function normalizeEntry(raw: string): Entry | null {
  let value = raw.trim();
  const wildcard = value.startsWith('*.');
  if (wildcard) value = value.slice(2);
  if (value === '' || value.includes('*') || /[/\\@?#\s]/.test(value)) return null;
  if (!value.startsWith('[') && value.includes(':')) value = `[${value}]`;
  let host: string;
  try {
    host = new URL(`http://${value}/`).hostname;
  } catch {
    return null;
  }
  host = stripTrailingDot(host);
  if (host === '') return null;
  if (wildcard && isIpHost(host)) return null;
  if (!isIpHost(host) && domainToASCII(host) === '') return null;
  return { wildcard, host };
}

function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** After WHATWG parsing, an IPv4 host is always dotted decimal and an IPv6 host is bracketed. */
function isIpHost(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
