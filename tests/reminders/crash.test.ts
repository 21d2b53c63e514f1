import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../shared/schemas/ledger.js';
import { seedStore } from '../../server/src/domain/plan/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openStore } from '../../server/src/store/open-store.js';
import { startEmulator } from '../helpers/emulator.js';
import { ROOT, SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

const DAYS = ['2018-11-01', '2018-11-13', '2018-11-22', '2019-01-02', '2019-03-18'];
const KILLS_PER_DAY = 10;

function run(args: string[], killAfterMs?: number): Promise<'done' | 'killed'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/reminders/crash-child.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== undefined && out.includes('READY') && !child.killed) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('DONE')) resolve('done');
      else reject(new Error(`child failed (${code}): ${err}`));
    });
  });
}

describe('reminder crash safety', () => {
  it(`delivers each digest and 待办 exactly once across ${DAYS.length * KILLS_PER_DAY} SIGKILLs between decision, enqueue, send and record`, async () => {
    const emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    const dir = tempDir();
    const store = await openStore(dir, { clock: () => new Date() });
    await seedStore(store, await loadSeeds(SEEDS_DIR), new Date());
    await store.close();
    const app = JSON.stringify(emu.state.org.apps[0]);
    let kills = 0;
    try {
      for (const day of DAYS) {
        const nowIso = `${day}T09:00:00+08:00`;
        await emu.admin('POST', '/clock', { at: nowIso });
        // kill at a random moment until this day has had its share of kills (a run that finishes
        // first counts as an attempt, not a kill)
        let dayKills = 0;
        for (let attempt = 0; dayKills < KILLS_PER_DAY && attempt < 6 * KILLS_PER_DAY; attempt += 1) {
          if ((await run([dir, emu.url, app, nowIso], Math.floor(Math.random() * (dayKills < 3 ? 400 : 150)))) === 'killed') dayKills += 1;
        }
        kills += dayKills;
        expect(await run([dir, emu.url, app, nowIso])).toBe('done');

        const check = await openStore(dir, { clock: () => new Date() });
        const state = check.state.get();
        const planned: LedgerEvent[] = [];
        for await (const e of check.ledger.read()) if (e.type === 'reminders.planned' && e.subject.id === day) planned.push(e);
        expect(planned, `${day} planned once`).toHaveLength(1);
        const notices = state.outbox.filter((r) => r.kind === 'notice' && r.date === day);
        expect(notices.length).toBeGreaterThan(0);
        expect(notices.filter((r) => r.status !== 'sent').map((r) => r.key)).toEqual([]);
        const title = `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
        for (const row of notices) {
          const inbox = await emu.admin<{ items: Array<{ kind: string; msg: { action_card: { title: string } } }> }>('GET', `/messages?userid=${String(row.payload.userId)}`);
          const wanted = `${row.key.includes(':escalation:') ? '督办通报' : '督办提醒'} · ${title}`;
          expect(inbox.items.filter((i) => i.kind === 'notice' && i.msg.action_card.title === wanted), `${row.key}`).toHaveLength(1);
        }
        const todos = Object.values(state.todos);
        expect(todos.every((t) => t.todoId)).toBe(true);
        const emulatorTodos = [...emu.state.todos.values()].filter((t) => !t.deleted);
        expect(emulatorTodos).toHaveLength(todos.length);
        expect(new Set(emulatorTodos.map((t) => t.sourceId)).size).toBe(todos.length);
        await check.close();
      }
    } finally {
      await emu.close();
    }
    expect(kills).toBeGreaterThanOrEqual(DAYS.length * KILLS_PER_DAY);
  }, 600_000);
});
