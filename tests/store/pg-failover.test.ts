import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { verifyPgLedger } from '../../server/src/store/pg/copy-to-pg.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { startEmulator } from '../helpers/emulator.js';
import { freshSchema } from '../helpers/pg.js';
import { bundled } from '../helpers/run-node.js';
import { expectDeliveredOnce } from '../helpers/delivered-once.js';
import { ROOT, SEEDS_DIR } from '../helpers/seeds.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';

const DAYS = ['2018-11-01', '2018-11-02', '2018-11-05', '2018-11-07', '2018-11-08'];
const rng = seededRandom(testSeed(727002));
const seedNote = `(seed ${rng.seed}; rerun with TEST_SEED=${rng.seed})`;

interface Child {
  /** Resolves when the child printed `text` (or exited without it: false). */
  said(text: string): Promise<boolean>;
  exit: Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string; err: string }>;
}

async function instance(args: string[]): Promise<Child> {
  const child = spawn(process.execPath, [await bundled('tests/reminders/crash-child.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiting: Array<{ text: string; resolve: (ok: boolean) => void }> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiting.filter((x) => out.includes(x.text))) w.resolve(true);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string; err: string }>(
    (resolve) =>
      child.on('exit', (code, signal) => {
        for (const w of waiting) w.resolve(out.includes(w.text));
        resolve({ signal, code, out, err });
      }),
  );
  return {
    said: (text) =>
      out.includes(text) ? Promise.resolve(true) : new Promise((resolve) => waiting.push({ text, resolve })),
    exit,
  };
}

describe('two instances on one PostgreSQL database, the leader SIGKILLed mid-dispatch (#16 acceptance)', () => {
  it(`a simulated week (${DAYS.length} days): every digest and 待办 delivered exactly once, the chain verifies, nothing left claimed`, async () => {
    const emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    const url = await freshSchema();
    const seed = await openPgStore(url, { clock: () => new Date('2018-11-01T09:00:00+08:00') });
    await seedStore(seed, await loadSeeds(SEEDS_DIR), new Date('2018-11-01T09:00:00+08:00'));
    await seed.close();
    const app = JSON.stringify(emu.state.org.apps[0]);
    const kills: string[] = [];
    try {
      for (const day of DAYS) {
        const nowIso = `${day}T09:00:00+08:00`;
        await emu.admin('POST', '/clock', { at: nowIso });
        // A leads (it starts first and says so), then B starts and stands by; A kills itself at an
        // injected crash point — before or after a transaction or a platform call — and B takes over
        const crashAt = rng.int(1, 40);
        const a = await instance([url, emu.url, app, nowIso, String(crashAt)]);
        const aLed = await a.said('LEAD');
        const b = await instance([url, emu.url, app, nowIso]);
        const [ra, rb] = await Promise.all([a.exit, b.exit]);
        expect(aLed, `${day}: A led ${seedNote}\n${ra.out}${ra.err}`).toBe(true);
        expect(ra.signal, `${day}: A killed at point ${crashAt} ${seedNote}\n${ra.err}`).toBe('SIGKILL');
        expect([rb.code, rb.err], `${day}: B finished ${seedNote}`).toEqual([0, '']);
        kills.push(`${day} ${/CRASH .*/.exec(ra.out)?.[0] ?? '?'}`);
        // A restarted: nothing is left to do, nothing is sent again
        const again = await (await instance([url, emu.url, app, nowIso])).exit;
        expect([again.code, again.err], `${day}: A restarted ${seedNote}`).toEqual([0, '']);

        const check = await openPgStore(url, { clock: () => new Date(nowIso), pollMs: 60_000 });
        await expectDeliveredOnce(emu, check, day, seedNote);
        await check.close();
      }
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      const verified = await verifyPgLedger(pool);
      await pool.end();
      expect(verified, kills.join('\n')).toMatchObject({ ok: true });
      expect(kills, seedNote).toHaveLength(DAYS.length); // where each day's kill landed, e.g. "CRASH 37 after channel.sendNotice"
    } finally {
      await emu.close();
    }
  }, 300_000);
});
