import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/seeds.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROUNDS = 100;
const rng = seededRandom(testSeed(4));

/** A long-lived child that races for locks on command (no process start-up inside a round). */
class Racer {
  private out = '';
  private waiters: Array<{ re: RegExp; resolve: (m: string) => void }> = [];
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => {
      this.out += d.toString();
      for (const w of [...this.waiters]) {
        const m = w.re.exec(this.out);
        if (m) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m[0]);
        }
      }
    });
  }
  next(re: RegExp): Promise<string> {
    const m = re.exec(this.out);
    if (m) return Promise.resolve(m[0]);
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
}

describe('taking over a stale lock', () => {
  const racers: Racer[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 8; i += 1) {
      const r = new Racer(
        spawn(process.execPath, ['--import', 'tsx', 'tests/store/lock-race-child.ts'], {
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      );
      racers.push(r);
    }
    await Promise.all(racers.map((r) => r.next(/READY/)));
  }, 60_000);
  afterAll(() => {
    for (const r of racers) r.child.kill();
  });

  it(`of 2–8 processes racing for a crashed directory's lock, exactly one wins, ${ROUNDS} times`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const dir = tempDir('duban-lock-');
      // the normal state after a crash: a lock naming a process that no longer runs
      writeFileSync(
        join(dir, '.lock'),
        JSON.stringify({ pid: 2 ** 22 + 54321, host: hostname(), since: '2019-01-01T00:00:00.000Z' }),
      );
      const n = rng.int(2, 8);
      const these = racers.slice(0, n);
      for (const r of these) r.send(`go ${dir}`);
      const results = await Promise.all(these.map((r) => r.next(new RegExp(`(WON|LOST) ${dir}.*`))));
      const won = results.filter((x) => x.startsWith('WON'));
      expect({
        round,
        seed: rng.seed,
        racers: n,
        won: won.length,
        lost: results.filter((x) => x.startsWith('LOST')).map((x) => x.split(' ')[2]),
      }).toEqual({ round, seed: rng.seed, racers: n, won: 1, lost: Array(n - 1).fill('LOCKED') });
      const winner = these[results.findIndex((x) => x.startsWith('WON'))]!;
      winner.send(`release ${dir}`);
      await winner.next(new RegExp(`RELEASED ${dir}`));
    }
  }, 120_000);
});
