import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireOwner, liveOwner, ownerFile, processStartTime, type EmbeddedOwner } from './embedded-state.js';

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mantis-owner-'));
  mkdirSync(join(dir, 'postgres'));
  return dir;
}

const writeOwner = (dir: string, owner: Partial<EmbeddedOwner>) =>
  writeFileSync(ownerFile(dir), JSON.stringify({ role: 'server', command: 'start', startedAt: new Date().toISOString(), port: 5999, ...owner }));

describe('the embedded database owner file', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });
  const sleeper = async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    return child;
  };

  it('is taken, records the port, and is removed on release', () => {
    const dir = dataDir();
    const lock = acquireOwner(dir, 'server', 'start')!;
    expect(lock).toBeDefined();
    lock.setPort(6123);
    expect(JSON.parse(readFileSync(ownerFile(dir), 'utf8'))).toMatchObject({ pid: process.pid, role: 'server', command: 'start', port: 6123 });
    lock.release();
    expect(existsSync(ownerFile(dir))).toBe(false);
  });

  it('held by a live process, is not taken and names that process', async () => {
    const dir = dataDir();
    const other = await sleeper();
    writeOwner(dir, { pid: other.pid!, startTime: processStartTime(other.pid!) });
    expect(acquireOwner(dir, 'server', 'start')).toBeUndefined();
    expect(liveOwner(dir)).toMatchObject({ pid: other.pid, command: 'start', port: 5999 });
  });

  it('left by a process that is gone (a crash), is stale and taken over', async () => {
    const dir = dataDir();
    const gone = await sleeper();
    gone.kill('SIGKILL');
    await new Promise((r) => gone.once('exit', r));
    writeOwner(dir, { pid: gone.pid! });
    expect(liveOwner(dir)).toBeUndefined();
    const lock = acquireOwner(dir, 'cli', 'init');
    expect(lock).toBeDefined();
    expect(JSON.parse(readFileSync(ownerFile(dir), 'utf8'))).toMatchObject({ pid: process.pid, role: 'cli' });
    lock!.release();
  });

  it('naming a pid now used by another process (started at another time), is stale', async () => {
    const dir = dataDir();
    const other = await sleeper();
    writeOwner(dir, { pid: other.pid!, startTime: '1' });
    expect(liveOwner(dir)).toBeUndefined();
    expect(acquireOwner(dir, 'server', 'start')).toBeDefined();
  });
});
