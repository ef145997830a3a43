import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BrowserType } from 'playwright';

export interface PlaywrightRuntime {
  chromium: BrowserType;
  /** False when no ffmpeg is available: runs then keep only the trace. */
  videoAvailable: boolean;
}

let runtime: Promise<PlaywrightRuntime> | null = null;

/** The ffmpeg revision this Playwright expects, from its own browsers.json. */
function ffmpegRevision(): string {
  const require = createRequire(import.meta.url);
  const core = dirname(require.resolve('playwright-core/package.json'));
  const browsers = JSON.parse(readFileSync(join(core, 'browsers.json'), 'utf8')) as { browsers: { name: string; revision: string }[] };
  const entry = browsers.browsers.find((b) => b.name === 'ffmpeg');
  if (!entry) throw new Error('playwright-core/browsers.json has no ffmpeg entry');
  return entry.revision;
}

/** Links `<dir>/ffmpeg-<rev>/ffmpeg-linux` to the system ffmpeg; false if there is none. */
function linkFfmpeg(browsersDir: string, ffmpegPath: string): boolean {
  if (!existsSync(ffmpegPath)) return false;
  const target = join(browsersDir, `ffmpeg-${ffmpegRevision()}`, 'ffmpeg-linux');
  mkdirSync(dirname(target), { recursive: true });
  try {
    const st = lstatSync(target);
    if (st.isSymbolicLink() && readlinkSync(target) === ffmpegPath) return true;
    unlinkSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  symlinkSync(ffmpegPath, target);
  return true;
}

/**
 * Loads Playwright once per process. Playwright reads
 * `PLAYWRIGHT_BROWSERS_PATH` when its module is first evaluated, to find the
 * ffmpeg that `recordVideo` needs, so this sets that variable (a process-wide
 * setting: the first caller's directory wins) before importing it, and points
 * the expected ffmpeg file at the system one. Playwright never downloads
 * anything: the browser is the system Chromium given by `executablePath`.
 */
export function loadPlaywright(browsersDir: string, ffmpegPath: string): Promise<PlaywrightRuntime> {
  runtime ??= (async () => {
    process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
    process.env.PLAYWRIGHT_BROWSERS_PATH = browsersDir;
    const videoAvailable = linkFfmpeg(browsersDir, ffmpegPath);
    const { chromium } = await import('playwright');
    return { chromium, videoAvailable };
  })();
  return runtime;
}
