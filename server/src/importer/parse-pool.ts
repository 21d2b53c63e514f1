import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { ThreadPool, ThreadPoolError, workerFile } from '../workers/thread-pool.js';
import { ImportError } from './import-error.js';
import type { ColumnChoice } from './draft.js';
import type { ImportResult } from './import-result.js';
import type { ParseOutcome, ParseTask } from './parse-worker.js';

export interface ParsePoolOptions {
  /** Documents read at once (default: cores − 1, at least 1). */
  threads?: number;
  /** A document taking longer is stopped: default 30 s. */
  timeoutMs?: number;
  /** A thread's heap: default 512 MB. */
  memoryMb?: number;
  /** Documents waiting beyond the running ones: default 8. */
  queue?: number;
}

/** The pool's own refusals: busy (503), too slow (422). Importer refusals stay ImportErrors. */
export class ParsePoolError extends Error {
  constructor(
    readonly code: 'PARSE_BUSY' | 'PARSE_TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Documents are read off the event loop, in worker threads with a time and a memory limit: an
 * 11 MB, 3,000-page PDF takes seconds of CPU, and /api/health, the bot and every official's page
 * must not wait for it. A document past its time ends its thread; one past its memory kills only
 * its thread; past the queue, the next is refused at once.
 */
export class ParsePool {
  private readonly pool: ThreadPool<ParseTask, ParseOutcome>;
  private readonly timeoutMs: number;

  constructor(o: ParsePoolOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.pool = new ThreadPool({
      file: workerFile('parse-worker', import.meta.url),
      ...(o.threads ? { threads: o.threads } : {}),
      timeoutMs: this.timeoutMs,
      memoryMb: o.memoryMb ?? 512,
      queue: o.queue ?? 8,
    });
  }

  async parse(
    name: string,
    content: Uint8Array,
    directory: UnitDirectory,
    columns?: readonly ColumnChoice[],
  ): Promise<ImportResult> {
    let outcome: ParseOutcome;
    try {
      outcome = await this.pool.run({ name, content, directory, ...(columns?.length ? { columns } : {}) });
    } catch (error) {
      if (!(error instanceof ThreadPoolError)) throw error;
      if (error.code === 'BUSY') throw new ParsePoolError('PARSE_BUSY', '正在识别的文件较多,请稍后再上传');
      if (error.code === 'TIMEOUT')
        throw new ParsePoolError(
          'PARSE_TIMEOUT',
          `文件识别超过 ${Math.round(this.timeoutMs / 1000)} 秒仍未完成,已停止。请删去与任务无关的附件、图表后再导入`,
        );
      throw new ImportError('IMPORT_TOO_LARGE', '文件内容过于庞大,识别时超出内存限制,已停止。请只导入任务分解表部分');
    }
    if (!outcome.ok) throw new ImportError(outcome.code, outcome.message);
    return outcome.result;
  }

  /** Ends the threads (a later document starts them again). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
