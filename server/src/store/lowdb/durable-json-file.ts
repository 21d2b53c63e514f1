import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileDurable } from '../durable-fs.js';
import { sealState, StateDigestError, unsealState } from '../state-seal.js';

/**
 * A lowdb adapter whose writes are atomic AND durable (temp file, fsync, rename, fsync of the
 * directory), unlike lowdb's JSONFile which does not fsync (lowdb#549). Concurrent writes are
 * coalesced: a write resolves once a write that started after it was requested has finished, so
 * many updates in one tick cost one disk write. `read` returns the raw text's parsed JSON; the
 * caller validates it.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  private latest: T | undefined;
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(readonly path: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const { text: doc, intact } = unsealState(text);
    if (!intact) throw new StateDigestError(this.path);
    return JSON.parse(doc) as T;
  }

  write(data: T): Promise<void> {
    this.latest = data;
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await writeFileDurable(this.path, `${sealState(JSON.stringify(this.latest))}\n`);
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.running = false;
  }
}
