import { describe, expect, it } from 'vitest';
import { refusedRange } from './webhook-destination.js';
import { parseRetryAfter } from './webhook-http.js';
import { canonicalBody, classify } from './webhook-sender.js';

describe('classify (what an answer means for a delivery)', () => {
  it.each([
    [200, 'succeeded'],
    [204, 'succeeded'],
    [500, 'retry'],
    [503, 'retry'],
    [429, 'retry'],
    [301, 'failed'],
    [307, 'failed'],
    [400, 'failed'],
    [404, 'failed'],
    [410, 'failed'],
  ])('%i → %s', (status, kind) => {
    expect(classify(status, null).kind).toBe(kind);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 7 ', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('canonicalBody', () => {
  it('puts type, timestamp and data first whatever order the database returned', () => {
    expect(canonicalBody({ data: { run_id: 'r' }, timestamp: 't', type: 'run.completed' })).toBe(
      '{"type":"run.completed","timestamp":"t","data":{"run_id":"r"}}',
    );
  });
});

describe('refusedRange', () => {
  it('passes public addresses and names the range of the others', () => {
    expect(refusedRange('93.184.216.34')).toBeNull();
    expect(refusedRange('2606:4700:4700::1111')).toBeNull();
    expect(refusedRange('::ffff:93.184.216.34')).toBeNull();
    expect(refusedRange('127.0.0.1')).toBe('loopback');
    expect(refusedRange('::ffff:10.0.0.1')).toBe('ipv4Mapped:private');
    expect(refusedRange('fe80::1')).toBe('linkLocal');
    expect(refusedRange('198.51.100.7')).toBe('reserved');
    expect(refusedRange('nonsense')).toBe('invalid_address');
  });
});
