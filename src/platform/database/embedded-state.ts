import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who runs the embedded PostgreSQL of a data directory, and on which port:
 * `$MANTIS_DATA_DIR/postgres/owner.json`, created exclusively by the process
 * that starts it and removed when it stops. A server (`mantis start`) keeps it
 * for its lifetime, so CLI commands on the same data directory reach its
 * database instead of starting a second one on the same files; a CLI command
 * holds it while it runs its own. After a crash the file stays behind and is
 * recognised as stale: its process is gone (or the pid now belongs to a
 * process started at another time).
 */
export interface EmbeddedOwner {
  pid: number;
  /** Process start time (clock ticks since boot, Linux), to tell a reused pid apart. */
  startTime?: string;
  /** `server` for start/serve/worker, `cli` for one-shot commands. */
  role: 'server' | 'cli';
  command: string;
  /** Set once PostgreSQL accepts connections. */
  port?: number;
  startedAt: string;
}

/** Another server runs on this data directory (or it stayed busy too long). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: EmbeddedOwner,
  ) {
    super(
      `the data directory ${dataDir} is in use by \`mantis ${owner.command}\` (pid ${owner.pid}); ` +
        'stop that process first, or set MANTIS_DATA_DIR to another directory',
    );
  }
}

export function ownerFile(dataDir: string): string {
  return join(dataDir, 'postgres', 'owner.json');
}

/** Field 22 of /proc/<pid>/stat (start time); undefined where /proc is not available. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces or parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** True while the process runs (a zombie, exited but not yet reaped, counts as gone). */
export function processAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
  } catch {
    // no /proc: trust kill(0)
  }
  if (startTime === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === startTime;
}

export function readOwner(dataDir: string): EmbeddedOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(ownerFile(dataDir), 'utf8')) as EmbeddedOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The owner when it still runs; a file left by a crashed process reads as none. */
export function liveOwner(dataDir: string): EmbeddedOwner | undefined {
  const owner = readOwner(dataDir);
  return owner && owner.pid !== process.pid && processAlive(owner.pid, owner.startTime) ? owner : undefined;
}

export interface OwnerLock {
  /** Records the port once PostgreSQL is up (atomic replace, readers never see half a file). */
  setPort(port: number): void;
  release(): void;
}

/**
 * Takes the owner file for this process, replacing a stale one. Returns
 * undefined when a live process holds it (the caller decides to share,
 * wait or refuse).
 */
export function acquireOwner(dataDir: string, role: EmbeddedOwner['role'], command: string): OwnerLock | undefined {
  const path = ownerFile(dataDir);
  const me: EmbeddedOwner = { pid: process.pid, startTime: processStartTime(process.pid), role, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
      if (liveOwner(dataDir)) return undefined;
      // Stale: remove it only if it is still the file just judged (another process may have replaced it).
      if (existsSync(path) && readFileSync(path, 'utf8') === before) unlinkSync(path);
      continue;
    }
    return ownLock(path, me);
  }
  return undefined;
}

function ownLock(path: string, me: EmbeddedOwner): OwnerLock {
  const ours = () => {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as EmbeddedOwner).pid === me.pid;
    } catch {
      return false;
    }
  };
  const release = () => {
    process.off('exit', release);
    if (ours()) unlinkSync(path);
  };
  // An exit without a clean stop (process.exit after an error) still frees the directory.
  process.on('exit', release);
  return {
    setPort(port) {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ ...me, port }), { mode: 0o600 });
      renameSync(tmp, path);
    },
    release,
  };
}
