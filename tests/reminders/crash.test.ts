import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openStore } from '../../server/src/store/open-store.js';
import { startEmulator } from '../helpers/emulator.js';
import { ROOT, SEEDS_DIR } from '../helpers/seeds.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { expectDeliveredOnce } from '../helpers/delivered-once.js';
import { bundled } from '../helpers/run-node.js';

const DAYS = ['2018-11-01', '2018-11-13', '2018-11-22', '2019-01-02', '2019-03-18'];
const KILLS_PER_DAY = 10;
const rng = seededRandom(testSeed(20181101));
const seedNote = `(seed ${rng.seed}; rerun with TEST_SEED=${rng.seed})`;

interface ChildRun {
  outcome: 'done' | 'killed';
  /** Crash point the child killed itself at ("CRASH <n> <where>"), or its point count when done. */
  where: string;
}

/** One run of crash-child.ts; with `crashAt` it kills itself at that injected crash point. */
async function run(args: string[], crashAt?: number): Promise<ChildRun> {
  const script = await bundled('tests/reminders/crash-child.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args, ...(crashAt === undefined ? [] : [String(crashAt)])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ outcome: 'killed', where: /CRASH .*/.exec(out)?.[0] ?? 'unknown' });
      else if (code === 0 && out.includes('DONE'))
        resolve({ outcome: 'done', where: /POINTS \d+/.exec(out)?.[0] ?? '' });
      else reject(new Error(`child failed (${code}) ${seedNote}: ${err}`));
    });
  });
}

/** A data directory seeded as a first start seeds it. */
async function seededDirectory(): Promise<string> {
  const dir = tempDir();
  const store = await openStore(dir, { clock: () => new Date() });
  await seedStore(store, await loadSeeds(SEEDS_DIR), new Date());
  await store.close();
  return dir;
}

describe('reminder crash safety', () => {
  it(`delivers each digest and 待办 exactly once across ${DAYS.length * KILLS_PER_DAY} SIGKILLs at crash points between decision, enqueue, send and record`, async () => {
    const emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    const dir = await seededDirectory();
    const app = JSON.stringify(emu.state.org.apps[0]);
    const kills: string[] = [];
    try {
      for (const day of DAYS) {
        const nowIso = `${day}T09:00:00+08:00`;
        await emu.admin('POST', '/clock', { at: nowIso });
        // Early kills land among the first steps (plan, enqueue, first claims), later ones anywhere
        // in a batch of sends and records. Each child is killed by construction (see crash-child.ts).
        for (let i = 0; i < KILLS_PER_DAY; i += 1) {
          const crashAt = rng.int(1, i < 3 ? 8 : 60);
          const r = await run([dir, emu.url, app, nowIso], crashAt);
          expect(r.outcome, `${day} kill ${i + 1} at point ${crashAt} ${seedNote}`).toBe('killed');
          kills.push(`${day} ${r.where}`);
        }
        expect((await run([dir, emu.url, app, nowIso])).outcome).toBe('done');

        const check = await openStore(dir, { clock: () => new Date() });
        const notices = check.state.get().outbox.filter((r) => r.kind === 'notice' && r.date === day);
        expect(notices.length).toBeGreaterThan(0);
        await expectDeliveredOnce(emu, check, day, seedNote);
        await check.close();
      }
    } finally {
      await emu.close();
    }
    expect(kills).toHaveLength(DAYS.length * KILLS_PER_DAY);
    // the kills fell between every kind of step, not only at one
    for (const step of ['before transaction', 'state written', 'ledger appended', 'channel.sendNotice'])
      expect(
        kills.some((k) => k.includes(step)),
        `${step} ${seedNote}\n${kills.join('\n')}`,
      ).toBe(true);
  }, 600_000);

  it('浙政钉: each digest reaches the emulated 浙政钉 inbox exactly once across SIGKILLs, 30 % gateway failures (half with the answer lost after sending) and an expired token', async () => {
    const emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    await emu.admin('PUT', '/faults', { errorRate: 0.3, only: 'zzd' });
    const dir = await seededDirectory();
    const apps = await emu.admin<Array<{ platform: string }>>('GET', '/apps');
    const app = JSON.stringify(apps.find((a) => a.platform === 'zzd'));
    const kills: string[] = [];
    try {
      for (const day of ['2018-11-01', '2018-11-13']) {
        const nowIso = `${day}T09:00:00+08:00`;
        await emu.admin('POST', '/clock', { at: nowIso });
        for (let i = 0; i < 6; i += 1) {
          if (i === 3) await emu.admin('POST', '/zzd/tokens/expire');
          const crashAt = rng.int(1, i < 2 ? 8 : 40);
          const r = await run([dir, emu.url, app, nowIso], crashAt);
          expect(r.outcome, `${day} kill ${i + 1} at point ${crashAt} ${seedNote}`).toBe('killed');
          kills.push(`${day} ${r.where}`);
        }
        expect((await run([dir, emu.url, app, nowIso])).outcome).toBe('done');
        const check = await openStore(dir, { clock: () => new Date() });
        await expectDeliveredOnce(emu, check, day, seedNote, 'none');
        // they came through 浙政钉, and the gateway refused some calls along the way
        const sent = emu.state.inbox.filter((m) => m.kind === 'notice');
        expect(sent.length).toBeGreaterThan(0);
        expect(sent.every((m) => m.platform === 'zzd')).toBe(true);
        await check.close();
      }
      // the gateway refused calls, lost answers (a retry then met 重复), and a token had to be fetched again
      const stats = await emu.admin<{ tokensIssued: number; faults: number; duplicates: number }>('GET', '/zzd/stats');
      expect(stats.faults, seedNote).toBeGreaterThan(5);
      expect(stats.duplicates, seedNote).toBeGreaterThan(0);
      expect(stats.tokensIssued, seedNote).toBeGreaterThanOrEqual(2);
    } finally {
      await emu.close();
    }
  }, 600_000);
});
