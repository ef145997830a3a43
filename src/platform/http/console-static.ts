import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the console (the same place from `src/` and from `dist/`). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console', import.meta.url));

/** No inline script or style, nothing from another origin, never framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .header('x-content-type-options', 'nosniff');
}

/**
 * Serves the single-page console under /console: hashed files under
 * /console/assets/ are cached for a year, every other path gets index.html
 * (the app's router takes it from there) and is never cached.
 */
export async function serveConsole(app: NestFastifyApplication, root = CONSOLE_DIR): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, { root, serve: false });
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    secure(reply);
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`.\n');
    }
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/console\/?/, '');
    const file = normalize(join(root, rel));
    if (rel.startsWith('assets/') && file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(rel, root, { cacheControl: false });
    }
    if (rel.startsWith('assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html', root, { cacheControl: false });
  };
  fastify.get('/console', handler);
  fastify.get('/console/*', handler);
}
