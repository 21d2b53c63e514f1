import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROOT } from './seeds.js';

const bundles = new Map<string, Promise<string>>();

/**
 * A child entry point bundled once per test process into one ESM file (npm packages stay
 * external, resolved from the project's node_modules): a child then starts in ~0.5 s instead of
 * ~1.2 s under tsx, which matters for tests that start dozens of children (the crash tests).
 */
export function bundled(script: string): Promise<string> {
  let out = bundles.get(script);
  if (!out) {
    out = (async () => {
      const dir = join(ROOT, 'node_modules', '.cache', 'duban-test-children');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${basename(script, '.ts')}-${process.pid}.mjs`);
      const r = await build({
        entryPoints: [join(ROOT, script)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        write: false,
        logLevel: 'warning',
        // a module's own location stays its source file's (pg-store finds its migrations beside it)
        plugins: [
          {
            name: 'source-location',
            setup(b) {
              b.onLoad({ filter: /\.ts$/ }, async (args) => ({
                contents: (await readFile(args.path, 'utf8'))
                  .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
                  .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
                loader: 'ts',
              }));
            },
          },
        ],
      });
      writeFileSync(`${file}.tmp`, r.outputFiles[0]!.contents);
      renameSync(`${file}.tmp`, file);
      return file;
    })();
    bundles.set(script, out);
  }
  return out;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a TypeScript entry point of the project the way npm scripts do (node + tsx). */
export function startTs(
  script: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, output: () => stdout + stderr };
}

export function runTs(script: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return startTs(script, args, env).done;
}

/** Resolves once `predicate(output)` holds, checking on every chunk the child writes. */
export function waitForOutput(run: ReturnType<typeof startTs>, predicate: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate(run.output())) {
        run.child.stdout!.off('data', check);
        resolve(run.output());
      }
    };
    run.child.stdout!.on('data', check);
    run.child.on('exit', () =>
      predicate(run.output()) ? resolve(run.output()) : reject(new Error(`process ended first:\n${run.output()}`)),
    );
  });
}
