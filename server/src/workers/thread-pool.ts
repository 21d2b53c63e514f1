import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

export interface ThreadPoolOptions {
  /** The worker module (its default export handles one task). */
  file: URL;
  /** Tasks run at once (default: cores − 1, at least 1): the event loop keeps a core. */
  threads?: number;
  /** A task running longer is stopped (its thread ended). */
  timeoutMs: number;
  /** A thread's heap; past it the thread dies and the task fails (ERR_WORKER_OUT_OF_MEMORY). */
  memoryMb: number;
  /** Tasks waiting beyond the running ones; more are turned away at once. */
  queue: number;
}

/** The pool's own refusals: busy (nothing ran), too slow (stopped), out of memory (its thread died). */
export class ThreadPoolError extends Error {
  constructor(readonly code: 'BUSY' | 'TIMEOUT' | 'OUT_OF_MEMORY') {
    super(code);
  }
}

/**
 * CPU-heavy work off the event loop (piscina: the Node.js project's pool — cancellation ends the
 * thread, resource limits per worker): documents read for import, 台账 exports. Threads start with
 * the first task and end after a minute idle; `close` ends them now (a later task starts them again).
 */
export class ThreadPool<In, Out> {
  private pool: Piscina<In, Out> | undefined;
  private readonly threads: number;
  private inFlight = 0;

  constructor(private readonly o: ThreadPoolOptions) {
    this.threads = o.threads ?? Math.max(1, availableParallelism() - 1);
  }

  async run(task: In, transferList?: ArrayBuffer[]): Promise<Out> {
    // counted here, not by piscina's queue (which does not count while a thread is still starting)
    if (this.inFlight >= this.threads + this.o.queue) throw new ThreadPoolError('BUSY');
    this.inFlight += 1;
    try {
      return await this.start().run(task, {
        signal: AbortSignal.timeout(this.o.timeoutMs),
        ...(transferList ? { transferList } : {}),
      });
    } catch (error) {
      const e = error as { name?: string; code?: string };
      if (e.name === 'AbortError' || e.name === 'TimeoutError') throw new ThreadPoolError('TIMEOUT');
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') throw new ThreadPoolError('OUT_OF_MEMORY');
      throw error;
    } finally {
      this.inFlight -= 1;
    }
  }

  private start(): Piscina<In, Out> {
    const file = this.o.file.href;
    return (this.pool ??= new Piscina({
      filename: file,
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: this.o.memoryMb, maxYoungGenerationSizeMb: 64 },
      // the workers load TypeScript as the server does (tsx), whatever started this process
      execArgv: file.endsWith('.ts') ? ['--import', 'tsx'] : [],
    }));
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}

/** A worker module beside `from` (its .ts under tsx, its .js once built). */
export const workerFile = (name: string, from: string): URL =>
  new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
