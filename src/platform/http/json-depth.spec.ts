import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-depth.js';

describe('jsonDepthExceeds', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('counts objects and arrays alike, up to the limit inclusive', () => {
    expect(jsonDepthExceeds(nest(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nest(33), 32)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
  });

  it('measures the deepest branch, not the total of brackets', () => {
    expect(jsonDepthExceeds(`[${Array.from({ length: 1000 }, () => '[1]').join(',')}]`, 2)).toBe(false);
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    expect(jsonDepthExceeds(JSON.stringify({ s: '[[[[[[[[{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ s: 'say \\"[[[[\\" ok', t: '\\\\' }), 1)).toBe(false);
    expect(jsonDepthExceeds(`{"s":"\\"","a":${nest(3)}}`, 3)).toBe(true);
  });

  it('stops early on a huge input', () => {
    expect(jsonDepthExceeds('['.repeat(1_000_000), 32)).toBe(true);
  });
});
