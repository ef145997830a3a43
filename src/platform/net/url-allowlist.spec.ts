import { describe, expect, it } from 'vitest';
import { checkUrl, firstDisallowedUrl, isUrlAllowed, normalizeEntry } from './url-allowlist.js';

const LIST = ['example.com', '*.corp.test', 'bücher.de', '127.0.0.1', '[::1]', 'Mixed.Case.ORG.'];

// [url, allowed by LIST]
const TABLE: [string, boolean][] = [
  ['https://example.com/', true],
  ['http://example.com/path?q=1#frag', true],
  ['https://example.com:8443/x', true],
  ['https://EXAMPLE.COM/', true],
  ['https://ExAmPlE.cOm/', true],
  ['https://example.com./', true],
  ['https://example.com../', false],
  ['https://www.example.com/', false],
  ['https://evilexample.com/', false],
  ['https://example.com.evil.net/', false],
  ['https://example.co/', false],
  ['https://user@example.com/', false],
  ['https://user:pass@example.com/', false],
  ['https://:pass@example.com/', false],
  ['https://example.com@evil.net/', false],
  ['http://evil.net\\@example.com/', false],
  ['http://evil.net\\example.com/', false],
  ['https://evil.net#@example.com', false],
  ['https://evil.net?@example.com', false],
  ['http://example%2ecom/', true],
  ['http://example%2Ecom.evil.net/', false],
  ['http://example。com/', true],
  ['http://example．com/', true],
  ['http://ｅｘａｍｐｌｅ.com/', true],
  ['http://exаmple.com/', false], // Cyrillic а
  ['http://еxample.com/', false], // Cyrillic е
  ['http://bücher.de/', true],
  ['http://BÜCHER.de/', true],
  ['http://xn--bcher-kva.de/', true],
  ['https://a.corp.test/', true],
  ['https://a.b.c.corp.test/', true],
  ['https://A.CORP.TEST./', true],
  ['https://corp.test/', false],
  ['https://evilcorp.test/', false],
  ['https://corp.test.evil.net/', false],
  ['https://mixed.case.org/', true],
  ['http://127.0.0.1/', true],
  ['http://127.0.0.1:8080/', true],
  ['http://2130706433/', true], // decimal IPv4 is 127.0.0.1
  ['http://0x7f.0.0.1/', true], // hex
  ['http://0177.0.0.1/', true], // octal
  ['http://127.1/', true],
  ['http://127.0.0.2/', false],
  ['http://[::1]/', true],
  ['http://[0:0:0:0:0:0:0:1]:3000/', true],
  ['http://[::ffff:127.0.0.1]/', false], // IPv6-mapped is another literal
  ['http://10.0.0.1/', false],
  ['javascript:alert(1)', false],
  ['data:text/html,<h1>x</h1>', false],
  ['file:///etc/passwd', false],
  ['ftp://example.com/', false],
  ['ws://example.com/', false],
  ['blob:https://example.com/uuid', false],
  ['example.com', false], // not absolute
  ['//example.com/', false],
  ['', false],
  ['https://', false],
  ['http://exa mple.com/', false],
];

describe('URL allowlist', () => {
  it.each(TABLE)('%s → %s', (url, allowed) => {
    expect(isUrlAllowed(url, LIST)).toBe(allowed);
  });

  it('has a table of at least 40 URLs', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it('says why a URL is refused', () => {
    expect(checkUrl('ftp://example.com/', LIST)).toEqual({ allowed: false, reason: 'scheme' });
    expect(checkUrl('https://u@example.com/', LIST)).toEqual({ allowed: false, reason: 'userinfo' });
    expect(checkUrl('not a url', LIST)).toEqual({ allowed: false, reason: 'unparseable' });
    expect(checkUrl('https://other.net/', LIST)).toEqual({ allowed: false, reason: 'host' });
    expect(checkUrl('https://Example.COM./a', LIST)).toEqual({ allowed: true, host: 'example.com' });
  });

  it('allows any http(s) host when the list is empty, but still refuses other schemes and userinfo', () => {
    expect(isUrlAllowed('https://anything.example/', [])).toBe(true);
    expect(isUrlAllowed('http://10.1.2.3/', [])).toBe(true);
    expect(isUrlAllowed('file:///etc/passwd', [])).toBe(false);
    expect(isUrlAllowed('javascript:alert(1)', [])).toBe(false);
    expect(isUrlAllowed('https://a:b@anything.example/', [])).toBe(false);
  });

  it('never lets a wildcard match an IP address', () => {
    expect(isUrlAllowed('http://10.0.0.1/', ['*.0.0.1'])).toBe(false);
    expect(isUrlAllowed('http://1.2.3.4/', ['*.3.4'])).toBe(false);
  });

  it('normalizes entries like hosts and ignores malformed ones', () => {
    expect(normalizeEntry('*.EXAMPLE.com.')).toEqual({ wildcard: true, host: 'example.com' });
    expect(normalizeEntry('bücher.de')).toEqual({ wildcard: false, host: 'xn--bcher-kva.de' });
    expect(normalizeEntry('::1')).toEqual({ wildcard: false, host: '[::1]' });
    expect(normalizeEntry('*.*.example.com')).toBeNull();
    expect(normalizeEntry('a/b')).toBeNull();
    expect(normalizeEntry('')).toBeNull();
    expect(isUrlAllowed('https://a.b/', ['*', 'a/b', '*.'])).toBe(false);
  });

  it('reports the first refused URL of a plan', () => {
    expect(firstDisallowedUrl(['https://example.com/', 'https://evil.net/', 'ftp://x/'], LIST)).toBe('https://evil.net/');
    expect(firstDisallowedUrl(['https://example.com/'], LIST)).toBeUndefined();
  });
});
