/**
 * Append cost with a growing history: the ledger (JSONL, group commit) and the state document
 * (lowdb, durable writes) against the naive design, where history lives inside the lowdb document.
 * Both sides use the same durable write (fsync + rename + fsync dir), so the difference is the
 * design, not the durability. Prints p50/p99 per history size.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { LedgerEvent, NewLedgerEvent } from '../server/src/model/ledger.js';
import { importPlan } from '../server/src/importer/import-plan.js';
import { eventHash, GENESIS_HASH } from '../server/src/store/ledger/event-hash.js';
import { JsonlLedger } from '../server/src/store/ledger/jsonl-ledger.js';
import { DurableJsonFile } from '../server/src/store/lowdb/durable-json-file.js';
import { emptyState, type State } from '../server/src/model/state.js';
import { readFileSync } from 'node:fs';
import { ms, percentile, timeEach } from './stats.js';

const SEGMENT = 64 * 1024 * 1024;

function sampleEvent(i: number): NewLedgerEvent {
  return {
    type: 'progress.reported',
    actor: { type: 'person', id: 'p-qfb-c', name: '王伟' },
    subject: { type: 'assignment', id: `yc-lqstg-2018.k${(i % 36) + 1}.qfb` },
    channel: 'bot',
    payload: {
      text: `第${i}次进展:已完成试点申报,正在组织专家评审,预计下月底前形成初稿。`,
      evidence: ['b3f1c2d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789abcdef01'],
    },
  };
}

/** Writes `n` chained events straight into segment files (fast prefill, same format as appends). */
function prefillLedger(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  let prev = GENESIS_HASH;
  let chunk: string[] = [];
  let bytes = 0;
  let first = 1;
  const at = new Date('2019-01-02T01:00:00Z').toISOString();
  const flush = (): void => {
    writeFileSync(join(dir, `${String(first).padStart(12, '0')}.jsonl`), chunk.join(''));
    chunk = [];
    bytes = 0;
  };
  for (let seq = 1; seq <= n; seq += 1) {
    const body: Omit<LedgerEvent, 'hash'> = { id: `e${seq}`, seq, at, prevHash: prev, ...sampleEvent(seq) };
    const line = `${JSON.stringify({ ...body, hash: (prev = eventHash(body)) })}\n`;
    chunk.push(line);
    bytes += line.length * 1.5;
    if (bytes >= SEGMENT) {
      flush();
      first = seq + 1;
    }
  }
  if (chunk.length > 0) flush();
}

async function seededState(): Promise<State> {
  const directory = JSON.parse(readFileSync('seeds/units.json', 'utf8'));
  const people = JSON.parse(readFileSync('seeds/people.json', 'utf8'));
  const result = await importPlan(
    { name: 'plan.txt', content: readFileSync('seeds/plans/yuecheng-2018-lqstg.txt') },
    directory,
    { planId: 'yc' },
  );
  return {
    ...emptyState(),
    units: directory.units,
    groups: directory.groups,
    people: people.people,
    plans: [result.plan],
    sections: result.sections,
    tasks: result.tasks,
    assignments: result.assignments,
  };
}

export async function benchLedgerVsNaive(sizes = [1_000, 10_000, 100_000, 1_000_000]): Promise<void> {
  const base = await seededState();
  console.log('\n## Append latency vs history size (ms; each op awaited until durable)');
  console.log(
    '| history | ledger append p50 | p99 | state update p50 | p99 | naive append p50 | p99 | naive update p50 | p99 | naive doc | speed-up (append p50) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
    try {
      prefillLedger(join(dir, 'ledger'), n);
      const opened = process.hrtime.bigint();
      const ledger = await JsonlLedger.open(join(dir, 'ledger'), { clock: () => new Date() });
      const openMs = Number(process.hrtime.bigint() - opened) / 1e6;
      const state = new Low<State>(new DurableJsonFile(join(dir, 'state.json')), structuredClone(base));
      await state.write();
      const samples = 200;
      const ledgerTimes = await timeEach(samples, (i) => ledger.append(sampleEvent(n + i)));
      const stateTimes = await timeEach(samples, (i) => {
        state.data = { ...state.data, directory: { ...state.data.directory, note: String(i) } };
        return state.write();
      });
      await ledger.close();

      // Naive: the same events inside the lowdb document.
      const naiveEvents: unknown[] = [];
      for (let i = 1; i <= n; i += 1) naiveEvents.push({ id: `e${i}`, seq: i, ...sampleEvent(i) });
      const naive = new Low<State & { events: unknown[] }>(new DurableJsonFile(join(dir, 'naive.json')), {
        ...structuredClone(base),
        events: naiveEvents,
      });
      await naive.write();
      const naiveSamples = n >= 1_000_000 ? 5 : n >= 100_000 ? 15 : 100;
      const naiveAppend = await timeEach(naiveSamples, async (i) => {
        naive.data.events.push({ id: `e${n + i}`, ...sampleEvent(n + i) });
        await naive.write();
      });
      const naiveUpdate = await timeEach(naiveSamples, async (i) => {
        naive.data.directory.note = String(i);
        await naive.write();
      });
      const docMb = (JSON.stringify(naive.data).length / 1e6).toFixed(0);
      const speedup = percentile(naiveAppend, 50) / percentile(ledgerTimes, 50);
      console.log(
        `| ${n.toLocaleString('en')} | ${ms(percentile(ledgerTimes, 50))} | ${ms(percentile(ledgerTimes, 99))} | ${ms(percentile(stateTimes, 50))} | ${ms(percentile(stateTimes, 99))} | ${ms(percentile(naiveAppend, 50))} | ${ms(percentile(naiveAppend, 99))} | ${ms(percentile(naiveUpdate, 50))} | ${ms(percentile(naiveUpdate, 99))} | ${docMb} MB | ${speedup.toFixed(0)}× |`,
      );
      console.log(
        `|  | (ledger open: ${ms(openMs)} ms; naive samples: ${naiveSamples}${naiveSamples < 100 ? ', so its p99 is the max' : ''}) |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('\nGroup commit: 1,000 concurrent appends');
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
  const ledger = await JsonlLedger.open(dir, { clock: () => new Date() });
  const t = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 1000 }, (_, i) => ledger.append(sampleEvent(i))));
  const total = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`  ${ms(total)} ms in all, ${(1000 / (total / 1000)).toFixed(0)} events/s`);
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
