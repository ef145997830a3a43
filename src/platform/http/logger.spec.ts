import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from './logger.js';

const KEY = `mk_${'ab'.repeat(32)}`;

describe('scrub', () => {
  it('replaces keys and bearer tokens at any depth without touching the caller’s object', () => {
    const arg = { a: { b: [`token ${KEY} here`, 'plain'] }, h: 'Bearer abc.def-123', n: 3 };
    const out = scrub(arg) as typeof arg;
    expect(out).toEqual({ a: { b: ['token mk_[REDACTED] here', 'plain'] }, h: 'Bearer [REDACTED]', n: 3 });
    expect(arg.a.b[0]).toContain(KEY);
  });

  it('returns an argument with nothing to scrub as it is', () => {
    const arg = { reqId: 'req_1', route: '/v1/runs/:run_id', status: 200, nested: { list: ['x', 1] } };
    expect(scrub(arg)).toBe(arg);
  });

  it('keeps keys out of what the logger writes', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ detail: { url: `/x?key=${KEY}` }, err: new Error(`failed with ${KEY}`) }, `saw ${KEY}`);
    expect(lines.join('')).not.toContain(KEY);
    expect(lines.join('')).toContain('mk_[REDACTED]');
  });
});
