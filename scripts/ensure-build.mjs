// `npm start` / `npm run mantis` on a fresh clone: build once when dist/ is
// missing or older than the sources, so the two README commands just work.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'generated') t = Math.max(t, newest(p));
    } else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const entry = 'dist/cli/main.js';
const stale =
  !existsSync(entry) || !existsSync('dist/console/index.html') || Math.max(newest('src'), statSync('prisma/schema.prisma').mtimeMs) > statSync(entry).mtimeMs;
if (stale) {
  process.stderr.write('mantis: building…\n');
  execSync('npm run build --silent', { stdio: ['ignore', 'ignore', 'inherit'] });
}
