import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Writes .br and .gz next to each text asset; the server sends them as is (no compression per request). */
function precompress(): Plugin {
  return {
    name: 'duban-precompress',
    apply: 'build',
    closeBundle() {
      const dir = join(import.meta.dirname, 'dist');
      for (const name of readdirSync(dir, { recursive: true }).map(String)) {
        if (!/\.(js|css|html|svg)$/.test(name)) continue;
        const bytes = readFileSync(join(dir, name));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(bytes));
      }
    },
  };
}

/**
 * Inlines miniapp/boot/early-sign-in.js at the top of index.html (it starts the 免登 exchange while
 * the app's scripts load) and writes its CSP hash to dist/csp-script-hashes.json, which the
 * server adds to the page's script-src (no 'unsafe-inline').
 */
function earlySignIn(): Plugin {
  const code = readFileSync(join(import.meta.dirname, 'boot', 'early-sign-in.js'), 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('//') && !l.startsWith('/* global'))
    .join('\n')
    .trim();
  const hash = `'sha256-${createHash('sha256').update(code).digest('base64')}'`;
  return {
    name: 'duban-early-sign-in',
    // after the charset and title, before any stylesheet (a script after a pending stylesheet waits for it)
    transformIndexHtml: (html) => html.replace('</title>', `</title>\n    <script>${code}</script>`),
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'csp-script-hashes.json', source: JSON.stringify([hash]) });
    },
  };
}

// Built into miniapp/dist and served by the server under /app/ (see server/src/routes/miniapp-static.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react(), earlySignIn(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: ['chrome87', 'safari14'],
    reportCompressedSize: false,
    // one stylesheet for the whole app (~8 KB gzip): fewer requests on a slow link than one per page
    cssCodeSplit: false,
    // library modules shared by several pages are grouped by the pages that use them, and groups under
    // 10 KB merge into a neighbour: 我的任务 loads 11 files instead of 16 (each is a round trip on a slow
    // link) for the same bytes — Fast 3G: 4.5 s instead of 5.0 s to a rendered list
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React and its scheduler in a chunk of their own, on every page: merging them with page
            // libraries made a shared chunk run before the chunk it needs ('t is not a function')
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 20 },
            {
              name: 'shared',
              test: /node_modules/,
              minShareCount: 2,
              entriesAware: true,
              entriesAwareMergeThreshold: 10000,
            },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
