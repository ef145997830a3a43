// CPU profiles of chosen sections of a benchmark, for BENCH_PROFILE=<dir>:
// `section(name, fn)` runs `fn` and, when profiling, writes what this process
// did meanwhile to `<dir>/<name>.cpuprofile` (nothing else: no start-up, no
// warm-up), so two sections of the same size compare per request.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';

export async function profiler(dir = process.env.BENCH_PROFILE) {
  if (!dir) return { section: (_name, fn) => fn() };
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return {
    async section(name, fn) {
      await session.post('Profiler.start');
      try {
        return await fn();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(resolve(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      }
    },
  };
}
