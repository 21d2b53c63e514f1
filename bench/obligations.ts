/**
 * Stored obligations (#10): the time to materialise one year for the seeded plan and for a
 * synthetic district of 40 tasks × 60 units, and the state document's size over a replayed
 * five-year plan (obligations older than last year leave the state for the ledger).
 */
import { WorkCalendar } from '../server/src/calendar/work-calendar.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { ensureObligations } from '../server/src/domain/obligations/obligation-book.js';
import { DEFAULT_POLICY } from '../server/src/domain/policy/policy.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import { replay } from '../tests/helpers/replay.js';
import { province } from './reminders.js';

const rules = { calendar: new WorkCalendar(), policy: DEFAULT_POLICY };

async function materialiseYear(
  store: MemoryStore,
  at: string,
): Promise<{ ms: number; added: number; stateKb: number }> {
  const t0 = process.hrtime.bigint();
  const added = await ensureObligations(store, rules, new Date(at));
  return {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    added,
    stateKb: Buffer.byteLength(JSON.stringify(store.state.get())) / 1024,
  };
}

export async function benchObligations(): Promise<void> {
  console.log(
    '\n## Materialising obligations (one transaction: records + one obligations.materialised event per task and year)',
  );
  console.log('| district | assignments | years | obligations stored | ms | state after (KB) |');
  console.log('|---|---|---|---|---|---|');
  const seeded = new MemoryStore(undefined, () => new Date('2019-01-02T09:00:00+08:00'));
  await seedStore(seeded, await loadSeeds('seeds'), new Date('2018-11-01T09:00:00+08:00'));
  const active = seeded.state.get().assignments.length;
  let r = await materialiseYear(seeded, '2019-01-02T09:00:00+08:00'); // 2018 and 2019
  console.log(
    `| seeded plan (36 key tasks) | ${active} | 2018 + 2019 | ${r.added.toLocaleString('en')} | ${r.ms.toFixed(0)} | ${r.stateKb.toFixed(0)} |`,
  );
  r = await materialiseYear(seeded, '2020-01-02T09:00:00+08:00');
  console.log(
    `| seeded plan, a new year | ${active} | 2020 | ${r.added.toLocaleString('en')} | ${r.ms.toFixed(0)} | ${r.stateKb.toFixed(0)} |`,
  );
  const synthetic = new MemoryStore(province(1), () => new Date('2019-01-02T09:00:00+08:00'));
  r = await materialiseYear(synthetic, '2019-01-02T09:00:00+08:00');
  console.log(
    `| synthetic 40 tasks × 60 units | ${synthetic.state.get().assignments.length.toLocaleString('en')} | 2018 + 2019 | ${r.added.toLocaleString('en')} | ${r.ms.toFixed(0)} | ${r.stateKb.toFixed(0)} |`,
  );
  r = await materialiseYear(synthetic, '2020-01-02T09:00:00+08:00');
  console.log(
    `| synthetic, a new year | ${synthetic.state.get().assignments.length.toLocaleString('en')} | 2020 | ${r.added.toLocaleString('en')} | ${r.ms.toFixed(0)} | ${r.stateKb.toFixed(0)} |`,
  );

  console.log('\n## State document over the replayed five-year plan (2018-11-01 → 2022-12-31, simulated officials)');
  const t0 = process.hrtime.bigint();
  const replayed = await replay('seeds', '2018-11-01', '2022-12-31');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${replayed.workingDays} working days replayed in ${seconds.toFixed(0)} s, ${replayed.fulfilled.toLocaleString('en')} obligations fulfilled.`,
  );
  console.log('| at | state.json (KB) |');
  console.log('|---|---|');
  for (const [date, bytes] of replayed.stateBytes) console.log(`| ${date} | ${(bytes / 1024).toFixed(0)} |`);
}
