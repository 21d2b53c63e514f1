import fastifyStatic from '@fastify/static';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Content-Security-Policy for the pages: our own scripts, and the build's one inline script (the
 * early 免登 loader) by its hash; images also from blob: (local previews).
 */
function csp(dir: string): string {
  let hashes: string[] = [];
  try {
    hashes = (JSON.parse(readFileSync(join(dir, 'csp-script-hashes.json'), 'utf8')) as string[]).filter((h) =>
      /^'sha256-[A-Za-z0-9+/=]+'$/.test(h),
    );
  } catch {
    /* an older build: no inline script */
  }
  return `default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'${hashes.map((h) => ` ${h}`).join('')}; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'`;
}

/**
 * The built mini-app (Vite's output) under /app/. Hashed assets are cached for a year; index.html
 * never, so a new build reaches phones at the next open.
 */
export function miniappStatic(dir: string): FastifyPluginAsync {
  return async (app) => {
    const CSP = csp(dir);
    app.get('/app', (_req, reply) => reply.redirect('/app/', 302));
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/app/',
      // the page itself is routed below: @fastify/static answers 404 for a directory index when a
      // pre-compressed variant is asked for (Accept-Encoding: br/gzip, i.e. every browser)
      index: false,
      preCompressed: true, // .br/.gz written by the build
      setHeaders: (res, path) => {
        res.header('content-security-policy', CSP);
        res.header('x-content-type-options', 'nosniff');
        // hashed assets for a year; the icon for a day (asked by the page and by the browser's icon
        // service: one fetch, the second from cache); the page itself never
        res.header(
          'cache-control',
          /[\\/]assets[\\/]/.test(path)
            ? 'public, max-age=31536000, immutable'
            : /favicon\.svg$/.test(path)
              ? 'public, max-age=86400'
              : 'no-cache',
        );
      },
    });
    app.get('/app/', (_req, reply) => reply.sendFile('index.html'));
    // browsers ask the site root for its icon (the API docs, a notice opened on a PC)
    app.get('/favicon.ico', (_req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').sendFile('favicon.svg'),
    );
  };
}
