import { execFile } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Cut this much before the step's start: the video's clock starts a little after the page is created. */
export const VIDEO_CUT_MARGIN_MS = 500;

/**
 * Shortens a recorded video in place to its first `seconds` (stream copy, no
 * re-encode), so nothing after that point (a typed secret) is kept. Returns
 * false, with the file removed, when it cannot be cut: an uncut video is
 * never kept.
 */
export async function trimVideo(ffmpegPath: string, file: string, seconds: number): Promise<boolean> {
  const out = file.replace(/\.webm$/, '.cut.webm');
  try {
    if (seconds <= 0) throw new Error('nothing to keep');
    await run(ffmpegPath, ['-y', '-loglevel', 'error', '-i', file, '-t', seconds.toFixed(3), '-c', 'copy', out], { timeout: 60_000 });
    await rename(out, file);
    return true;
  } catch {
    await rm(out, { force: true });
    await rm(file, { force: true });
    return false;
  }
}
