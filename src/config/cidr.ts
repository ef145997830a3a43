import ipaddr from 'ipaddr.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses `10.0.0.0/8,fd00::/8,192.168.1.5`; a bare address is a single-host range. Throws on a bad entry. */
export function parseCidrList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const cidr = s.includes('/') ? ipaddr.parseCIDR(s) : ([ipaddr.parse(s), ipaddr.parse(s).kind() === 'ipv4' ? 32 : 128] as Cidr);
      return `${cidr[0].toString()}/${cidr[1]}`;
    });
}
