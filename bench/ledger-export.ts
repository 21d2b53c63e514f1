/**
 * The year's 台账 as Excel (#12): time and peak memory to build it for the seeded district and for
 * a synthetic district 10× its size (obligations stored for 2019, the workbook streamed to a sink).
 */
import { Writable } from 'node:stream';
import { loadCalendar } from '../server/src/calendar/load-calendar.js';
import { ensureObligations } from '../server/src/domain/obligations/obligation-book.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadPolicy } from '../server/src/domain/policy/policy.js';
import { writeLedgerXlsx } from '../server/src/export/ledger-xlsx.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import type { State } from '../server/src/model/state.js';
import { province } from './reminders.js';

const AT = new Date('2019-12-31T10:00:00+08:00');

async function build(name: string, store: MemoryStore): Promise<void> {
  const book = { calendar: await loadCalendar('seeds'), policy: await loadPolicy('seeds') };
  await ensureObligations(store, book, AT);
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  let bytes = 0;
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((bytes += chunk.length), done()) });
  const t0 = process.hrtime.bigint();
  const r = await writeLedgerXlsx(sink, {
    state: store.state.get(),
    ledger: store.ledger,
    book,
    year: 2019,
    district: '测试区',
    now: AT,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  console.log(
    `| ${name} | ${r.rows.toLocaleString('en')} | ${r.taskSheets} + ${r.unitSheets} | ${(bytes / 1e6).toFixed(1)} | ${seconds.toFixed(1)} | ${((peak - before) / 1e6).toFixed(0)} |`,
  );
}

export async function benchLedgerExport(): Promise<void> {
  console.log('\n## 台账 export to Excel (2019; streamed; peak RSS above the baseline)');
  console.log('| district | 总表 rows | task + unit sheets | xlsx MB | seconds | peak RSS growth (MB) |');
  console.log('|---|---|---|---|---|---|');
  const seeded = new MemoryStore(undefined, () => AT);
  await seedStore(seeded, await loadSeeds('seeds'), new Date('2018-11-01T09:00:00+08:00'));
  await build('seeded (36 key tasks)', seeded);
  const s: State = province(1, 40, 100);
  s.activePlanId = 'd0';
  await build('synthetic 10× (40 tasks × 100 units)', new MemoryStore(s, () => AT));
}
