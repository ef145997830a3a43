import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/app-config.js';
import { parseCidrList } from '../../config/cidr.js';
import { checkAddress, checkLiteralHost, refusedRange, withoutCredentials } from './egress-policy.js';

const strict = { allowPrivate: false, privateRanges: [] as string[] };

describe('egress policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.2', 'ipv4Mapped:loopback'],
    ['64:ff9b::a00:1', 'rfc6052:private'],
    ['2002:7f00:1::', '6to4:loopback'],
  ])('refuses %s (%s)', (ip, range) => {
    expect(refusedRange(ip)).toBe(range);
    expect(checkAddress(ip, strict)).toEqual({ allowed: false, range });
  });

  it('allows public addresses', () => {
    for (const ip of ['93.184.216.34', '2606:4700:4700::1111', '::ffff:93.184.216.34']) expect(checkAddress(ip, strict)).toEqual({ allowed: true });
  });

  it('lets configured ranges through, mapped forms included, and nothing next to them', () => {
    const policy = { allowPrivate: false, privateRanges: parseCidrList('127.0.0.1/32, 10.20.0.0/16') };
    expect(checkAddress('127.0.0.1', policy).allowed).toBe(true);
    expect(checkAddress('::ffff:127.0.0.1', policy).allowed).toBe(true);
    expect(checkAddress('10.20.9.9', policy).allowed).toBe(true);
    expect(checkAddress('127.0.0.2', policy).allowed).toBe(false);
    expect(checkAddress('10.21.0.1', policy).allowed).toBe(false);
    expect(checkAddress('::1', policy).allowed).toBe(false);
  });

  it('allows everything with allowPrivate', () => {
    expect(checkAddress('169.254.169.254', { allowPrivate: true, privateRanges: [] }).allowed).toBe(true);
  });

  it('judges localhost as loopback and leaves other names to DNS', () => {
    expect(checkLiteralHost('localhost', strict)).toEqual({ allowed: false, range: 'loopback' });
    expect(checkLiteralHost('a.localhost.', strict)?.allowed).toBe(false);
    expect(checkLiteralHost('localhost', { allowPrivate: false, privateRanges: ['127.0.0.1/32'] })?.allowed).toBe(true);
    expect(checkLiteralHost('[::1]', strict)?.allowed).toBe(false);
    expect(checkLiteralHost('example.com', strict)).toBeNull();
  });

  it('strips credentials from URLs', () => {
    expect(withoutCredentials('http://u:p@example.com/x')).toBe('http://example.com/x');
    expect(withoutCredentials('https://example.com/')).toBe('https://example.com/');
  });

  it('parses CIDR lists (a bare address is one host) and the config refuses a bad one at boot', () => {
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList('192.168.1.5, fd00::/8')).toEqual(['192.168.1.5/32', 'fd00::/8']);
    expect(loadConfig({ MANTIS_BROWSER_PRIVATE_RANGES: '10.0.0.0/8', MANTIS_CONFIG: undefined }).browser.egress).toEqual({
      allowPrivate: false,
      privateRanges: ['10.0.0.0/8'],
    });
    expect(() => loadConfig({ MANTIS_BROWSER_PRIVATE_RANGES: '10.0.0.0/99', MANTIS_CONFIG: undefined })).toThrow(/MANTIS_BROWSER_PRIVATE_RANGES/);
  });
});
