import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import { AppError } from '../errors.js';
import type { LedgerReader } from '../store/ports.js';
import type { State } from '../model/state.js';
import { ThreadPool, ThreadPoolError, workerFile } from '../workers/thread-pool.js';
import type { ExportDone, ExportTask } from './export-worker.js';
import { yearFacts } from './ledger-xlsx.js';

export interface ExportRequest {
  state: Readonly<State>;
  ledger: Pick<LedgerReader, 'read'>;
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  year: number;
  unitIds?: ReadonlySet<string> | undefined;
  scores?: { byPart: Map<string, number>; byUnit: Map<string, number> } | undefined;
  district: string;
  now: Date;
}

/**
 * 台账 exports off the event loop: the year's facts are read from the ledger here (I/O), the
 * workbook is built in a worker thread (CPU: obligations, rows, the zip) with a time and a memory
 * limit, and comes back as bytes. One thread, two waiting: the per-person limit is the route's.
 */
export class ExportPool {
  private readonly pool = new ThreadPool<ExportTask, ExportDone>({
    file: workerFile('export-worker', import.meta.url),
    threads: 1,
    timeoutMs: 120_000,
    memoryMb: 1024,
    queue: 2,
  });

  async ledgerXlsx(r: ExportRequest): Promise<ExportDone> {
    const facts = await yearFacts(r.ledger, r.year);
    try {
      return await this.pool.run({
        state: r.state as State,
        calendar: r.calendar.overrideList(),
        policy: r.policy,
        year: r.year,
        ...(r.unitIds ? { unitIds: new Set(r.unitIds) } : {}),
        ...(r.scores ? { scores: r.scores } : {}),
        district: r.district,
        now: r.now,
        facts,
      });
    } catch (error) {
      if (!(error instanceof ThreadPoolError)) throw error;
      if (error.code === 'BUSY') throw new AppError('UNAVAILABLE', '正在生成的导出较多,请稍后再试');
      throw new AppError(
        'UNAVAILABLE',
        '台账导出未能完成(数据量过大或超时),请按单位分别导出,或联系管理员用 npm run export 导出',
      );
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
