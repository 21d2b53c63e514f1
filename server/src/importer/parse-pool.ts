import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { ImportError } from './import-error.js';
import type { ImportResult } from './import-result.js';
import type { ParseOutcome, ParseTask } from './parse-worker.js';

export interface ParsePoolOptions {
  /** Documents read at once (default: cores − 1, at least 1): the event loop keeps a core. */
  threads?: number;
  /** A document taking longer is stopped (its thread ended): default 30 s. */
  timeoutMs?: number;
  /** A thread's heap; past it the thread dies and the document is refused: default 512 MB. */
  memoryMb?: number;
  /** Documents waiting beyond the running ones; more are turned away at once: default 8. */
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

const WORKER = new URL(`./parse-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/**
 * Documents are read off the event loop, in worker threads (piscina) with a time and a memory
 * limit: an 11 MB, 3,000-page PDF takes seconds of CPU, and /api/health, the bot and every
 * official's page must not wait for it. A document past its time ends its thread; one past its
 * memory kills only its thread; past the queue, the next is refused at once.
 */
export class ParsePool {
  private pool: Piscina<ParseTask, ParseOutcome> | undefined;
  private readonly timeoutMs: number;
  private readonly threadCount: number;
  private inFlight = 0;

  constructor(private readonly o: ParsePoolOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.threadCount = o.threads ?? Math.max(1, availableParallelism() - 1);
  }

  /** Threads start with the first document (none at all for a server that never imports). */
  private threads(): Piscina<ParseTask, ParseOutcome> {
    const o = this.o;
    return (this.pool ??= new Piscina({
      filename: WORKER,
      minThreads: 0,
      maxThreads: this.threadCount,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: o.memoryMb ?? 512, maxYoungGenerationSizeMb: 64 },
      // the workers load TypeScript as the server does (tsx), whatever started this process
      execArgv: WORKER.endsWith('.ts') ? ['--import', 'tsx'] : [],
    }));
  }

  async parse(name: string, content: Uint8Array, directory: UnitDirectory): Promise<ImportResult> {
    // counted here, not by piscina's queue (which does not count while a thread is still starting)
    if (this.inFlight >= this.threadCount + (this.o.queue ?? 8))
      throw new ParsePoolError('PARSE_BUSY', '正在识别的文件较多,请稍后再上传');
    this.inFlight += 1;
    try {
      return await this.read(name, content, directory);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async read(name: string, content: Uint8Array, directory: UnitDirectory): Promise<ImportResult> {
    let outcome: ParseOutcome;
    try {
      outcome = await this.threads().run({ name, content, directory }, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string };
      if (e.name === 'AbortError' || e.name === 'TimeoutError')
        throw new ParsePoolError(
          'PARSE_TIMEOUT',
          `文件识别超过 ${Math.round(this.timeoutMs / 1000)} 秒仍未完成,已停止。请删去与任务无关的附件、图表后再导入`,
        );
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY')
        throw new ImportError('IMPORT_TOO_LARGE', '文件内容过于庞大,识别时超出内存限制,已停止。请只导入任务分解表部分');
      throw error;
    }
    if (!outcome.ok) throw new ImportError(outcome.code, outcome.message);
    return outcome.result;
  }

  /** Ends the threads (a later document starts them again). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
