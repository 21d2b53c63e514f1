/**
 * A worker thread of the export pool (export-pool.ts): writes one year's 台账 workbook from the
 * state and the year's facts the main thread read from the ledger, and hands the bytes back.
 */
import { PassThrough } from 'node:stream';
import { WorkCalendar } from '../calendar/work-calendar.js';
import type { HolidayOverride } from '../model/holiday-override.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import type { State } from '../model/state.js';
import { writeLedgerXlsx, type LedgerExportSummary, type YearFacts } from './ledger-xlsx.js';

export interface ExportTask {
  state: State;
  calendar: HolidayOverride[];
  policy: ReminderPolicy;
  year: number;
  unitIds?: Set<string>;
  scores?: { byPart: Map<string, number>; byUnit: Map<string, number> };
  district: string;
  now: Date;
  facts: YearFacts;
}

export interface ExportDone {
  bytes: Uint8Array;
  summary: LedgerExportSummary;
}

export default async function exportLedger(task: ExportTask): Promise<ExportDone> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const summary = await writeLedgerXlsx(sink, {
    state: task.state,
    ledger: { read: async function* () {} }, // the facts came with the task
    book: { calendar: new WorkCalendar(task.calendar), policy: task.policy },
    year: task.year,
    unitIds: task.unitIds,
    scores: task.scores,
    district: task.district,
    now: task.now,
    facts: task.facts,
  });
  sink.end();
  await finished;
  return { bytes: new Uint8Array(Buffer.concat(chunks)), summary };
}
