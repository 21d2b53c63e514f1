import { produce } from 'immer';
import { Low } from 'lowdb';
import type { StateStore } from '../ports.js';
import { StoreError } from '../errors.js';
import type { State } from '../state.js';
import { DurableJsonFile } from './durable-json-file.js';

/**
 * The state document in lowdb, through a durable adapter. Updates are applied in call order with
 * immer (copy on write; a throwing update changes nothing), then written; writes in flight are
 * coalesced. After a
 * failed write the in-memory state may be ahead of the disk, so the store refuses further updates
 * until restarted.
 */
export class LowdbStateStore implements StateStore {
  private failed: unknown;

  private constructor(private readonly db: Low<State>) {}

  static create(path: string, initial: State): LowdbStateStore {
    return new LowdbStateStore(new Low<State>(new DurableJsonFile<State>(path), initial));
  }

  get(): Readonly<State> {
    return this.db.data;
  }

  async update<R>(fn: (draft: State) => R): Promise<R> {
    if (this.failed) throw new StoreError('状态文件写入失败过,为防止数据不一致已停止写入:请检查磁盘后重启服务', 'WRITE_FAILED', { cause: this.failed });
    let result!: R;
    // immer: only the parts fn changes are copied (cost follows the change, not the document);
    // if fn throws, nothing changes. The result is frozen, so get() cannot be mutated by accident.
    this.db.data = produce(this.db.data, (draft) => {
      result = fn(draft as State);
    });
    try {
      await this.db.write();
    } catch (error) {
      this.failed = error;
      throw error;
    }
    return result;
  }

  /** Persist the current document (used after a migration on load). */
  async flush(): Promise<void> {
    await this.db.write();
  }
}
