import type { LedgerEvent } from '../model/ledger.js';
import type { State } from '../model/state.js';
import type { OutboxRow } from '../model/outbox-row.js';
import type { AppendEvent } from '../model/ledger-events.js';
import type { RequestLog } from './request-log.js';
import type { EvidenceRemote } from './evidence-remote.js';

/** Reading the committed state. Writes go through `Store.transact` only. */
export interface StateReader {
  /** The committed state (what the disk holds). Treat as read-only. */
  get(): Readonly<State>;
}

/** Reading the append-only, hash-chained history. Appends go through `Store.transact` only. */
export interface LedgerReader {
  /** Sequence number and hash of the last durable event (0 and the genesis hash when empty). */
  head(): { seq: number; hash: string };
  /** The last durable event, if any. */
  last(): LedgerEvent | undefined;
  /** Durable events in order, from `fromSeq` (inclusive). */
  read(fromSeq?: number): AsyncIterable<LedgerEvent>;
  /**
   * Calls `listener` with every event appended from now on, in order, once it is durable (for
   * in-memory projections such as task timelines). Returns the unsubscribe function.
   */
  subscribe(listener: (events: readonly LedgerEvent[]) => void): () => void;
}

/** What a transaction's function may do besides changing the draft state. */
export interface Tx {
  /**
   * Adds an event to the transaction. Returns the sequence number it will have once committed
   * (transactions are serialised, so it is known now). The payload is checked against its type's
   * schema; a bad payload throws and the whole transaction changes nothing.
   */
  append(event: AppendEvent): number;
  /** The instant the transaction's events will carry. */
  readonly at: Date;
}

export interface Committed<R> {
  result: R;
  /** The events the transaction appended, as committed. */
  events: LedgerEvent[];
}

export type StoreHealth =
  | { status: 'ok' }
  | {
      status: 'degraded';
      /** OUTDATED: a newer version of the program migrated the shared database; this instance stands by. */
      code: 'STATE_WRITE_FAILED' | 'LEDGER_BEHIND' | 'OUTDATED';
      reason: string;
    };

export interface Store {
  state: StateReader;
  ledger: LedgerReader;
  /**
   * The only way to write: `fn` changes a draft of the state and appends events; both commit
   * together or not at all. Transactions run one at a time in call order, so `fn` decides on the
   * latest state (two identical concurrent actions: the second sees the first). If `fn` throws,
   * nothing changes. Resolves once the change is durable; if it cannot be written, rejects with
   * a 503 AppError (`STORE_UNAVAILABLE`) and the committed state is unchanged.
   */
  transact<R>(fn: (draft: State, tx: Tx) => R): Promise<Committed<R>>;
  /** Whether the last writes worked; `degraded` says why (shown by /api/health). */
  health(): StoreHealth;
  /** Each commit's write timed (seconds, transactions in the group), for /metrics; returns the unsubscribe. */
  observeWrites?(fn: (seconds: number, transactions: number) => void): () => void;
  /** Writes the backup a corrupt state is restored from (after a first seed; the store also does at start and close). */
  backup?(): Promise<void>;
  /** True when this open created a fresh, empty data directory (first run). */
  readonly created: boolean;
  /**
   * Several instances on one database: whether this instance leads the singleton work (planning
   * the day, sending the outbox). Absent: one process, always the leader. Once held, leadership
   * stays until the instance stops or loses its database connection.
   */
  lead?(): Promise<boolean>;
  /** Several instances: whether this instance holds the lead now (asks nothing, takes nothing). */
  leads?(): boolean;
  /**
   * Who claims outbox rows: this instance's id, and which claimants still run. Absent: one process
   * (the data directory's lock), so every other claimant is a process that ended.
   */
  readonly instance?: StoreInstance;
  /**
   * Several instances: claims up to `batch` pending outbox rows due at `now`, in the outbox's order,
   * without waiting for rows another claimant holds and never taking them (PostgreSQL: `FOR UPDATE
   * SKIP LOCKED`, outside the state's lock); `claim` marks them (claimed, or expired). Resolves with
   * the rows as written, once this instance's state shows them. Absent: one process, whose
   * dispatcher claims in a transaction.
   */
  claimOutbox?(o: { now: Date; batch: number; claim: (due: OutboxRow[]) => void }): Promise<OutboxRow[]>;
  /** Several instances: claims a key once across all of them (a bot message's msgId); false when another did. Absent: one process. */
  claimOnce?(key: string): Promise<boolean>;
  /** Several instances: creating requests carried out once across all of them. Absent: one process (kept in memory). */
  readonly requests?: RequestLog;
  /** Several instances: evidence files where every instance reads them. Absent: the data directory alone. */
  readonly evidence?: EvidenceRemote;
  close(): Promise<void>;
}

/** An instance of the server on a store: the id its claims carry, and which instances are still running. */
export interface StoreInstance {
  /** Unique per process start (PostgreSQL: the application_name of every connection it opens). */
  readonly id: string;
  /** Of `ids`, those whose instance still runs (PostgreSQL: still has a session on the database). */
  alive(ids: readonly string[]): Promise<ReadonlySet<string>>;
}
