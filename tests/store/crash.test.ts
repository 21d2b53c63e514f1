import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/src/store/open-store.js';
import { ROOT } from '../helpers/seeds.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { bundled } from '../helpers/run-node.js';

const TRIALS = 24;
// The child writes without end, so every trial is a kill; the delay is seeded (timed kills are the
// point here: they land inside file writes and renames, where no injected crash point can go).
const rng = seededRandom(testSeed(24));
const seedNote = `(seed ${rng.seed}; rerun with TEST_SEED=${rng.seed})`;

/** Runs the child until it has acknowledged some writes, then SIGKILLs it after a random delay. */
async function runAndKill(dir: string, start: number, delayMs: number): Promise<{ ledger: number[]; state: number[] }> {
  const script = await bundled('tests/store/crash-child.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, String(start)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = { ledger: [] as number[], state: [] as number[] };
    let buffer = '';
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [kind, n] = line.split(' ');
        if (kind === 'L') acked.ledger.push(Number(n));
        if (kind === 'S') acked.state.push(Number(n));
        if (kind === 'READY' && !armed) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (code ${code}) ${seedNote}: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  it(`loses no acknowledged write over ${TRIALS} SIGKILLs at random moments`, async () => {
    const dir = tempDir();
    let start = 0;
    const everAcked = new Set<number>();
    let totalAcked = 0;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const acked = await runAndKill(dir, start, rng.int(5, 124));
      for (const i of acked.ledger) for (let k = 0; k < 3; k += 1) everAcked.add(i * 3 + k);
      totalAcked += acked.ledger.length + acked.state.length;

      const store = await openStore(dir, { clock: () => new Date() }); // must open: no torn file, lock taken over
      const seen = new Set<number>();
      let previous = 0;
      for await (const e of store.ledger.read()) {
        expect(e.seq).toBe(previous + 1);
        previous = e.seq;
        seen.add(Number((e.payload as { how: string }).how.slice(1)));
      }
      for (const n of everAcked)
        expect(seen.has(n), `acknowledged event ${n} lost in trial ${trial} ${seedNote}`).toBe(true);
      const lastState = acked.state.at(-1);
      if (lastState !== undefined) expect(Number(store.state.get().directory.note)).toBeGreaterThanOrEqual(lastState);
      await store.close();
      start = Math.max(start, ...acked.ledger, ...acked.state) + 1;
    }
    expect(totalAcked).toBeGreaterThan(TRIALS);
  }, 120_000);
});
