import type { LedgerEvent, NewLedgerEvent } from '../../../shared/schemas/ledger.js';
import type { State } from './state.js';

/** Bounded mutable state. Updates are serialised; an update's promise resolves once it is durable. */
export interface StateStore {
  /** The current state. Treat as read-only: change it only through `update`. */
  get(): Readonly<State>;
  /**
   * Applies `fn` to a copy of the state and persists the result (atomic and durable). If `fn`
   * throws, nothing changes. Resolves with `fn`'s result after the write reached the disk.
   */
  update<R>(fn: (draft: State) => R): Promise<R>;
}

/** Append-only, hash-chained history. An append's promise resolves once the event is durable. */
export interface Ledger {
  append(event: NewLedgerEvent): Promise<LedgerEvent>;
  appendMany(events: readonly NewLedgerEvent[]): Promise<LedgerEvent[]>;
  /** Sequence number and hash of the last event (0 and the genesis hash when empty). */
  head(): { seq: number; hash: string };
  /** The last event appended (or found at open), if any. */
  last(): LedgerEvent | undefined;
  /** Events in order, from `fromSeq` (inclusive). */
  read(fromSeq?: number): AsyncIterable<LedgerEvent>;
  /**
   * Calls `listener` with every event appended from now on, in order, once it is durable (for
   * in-memory projections such as task timelines). Returns the unsubscribe function.
   */
  subscribe(listener: (events: readonly LedgerEvent[]) => void): () => void;
}

export interface Store {
  state: StateStore;
  ledger: Ledger;
  /** True when this open created a fresh, empty data directory (first run). */
  readonly created: boolean;
  close(): Promise<void>;
}
