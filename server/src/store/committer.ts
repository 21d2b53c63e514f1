import { enablePatches, produceWithPatches, type Patch } from 'immer';
import type { LedgerEvent, NewLedgerEvent } from '../model/ledger.js';
import { checkEvent } from '../model/ledger-events.js';
import { AppError } from '../errors.js';
import { StoreError } from './errors.js';
import { eventHash } from './ledger/event-hash.js';
import type { Committed, LedgerReader, StoreHealth, Tx } from './ports.js';
import type { State } from '../model/state.js';

/** A ledger the committer appends to: events arrive with their sequence numbers and hashes. */
export interface LedgerSink extends LedgerReader {
  /** Appends events whose seq/prevHash continue the head; resolves once they are durable. */
  appendPrepared(events: readonly LedgerEvent[]): Promise<void>;
  /** After a failed append: reopen from what the disk holds so appends can resume. */
  recover(): Promise<void>;
  /** Several instances: another instance's commit (its events and the state they lead to) is now this one's base: the head moves, subscribers hear the events. */
  adopt?(events: readonly LedgerEvent[], state: State): void;
}

enablePatches();

/** A transaction waiting for its write: kept with its function, so it can be computed again on fresher state. */
type Waiter = {
  fn: (draft: State, tx: Tx) => unknown;
  at: Date;
  state: State;
  /** What it changed (immer's patches, from the state it was computed on): the embedded store journals them. */
  patches: Patch[];
  events: LedgerEvent[];
  result: unknown;
  resolve: () => void;
  reject: (e: unknown) => void;
};

/**
 * Several instances: what others committed since this one last read or wrote (PostgreSQL): the
 * state, the events after this one's head, and whether anything moved at all.
 */
export type Reload = () => Promise<{ state: State; events: LedgerEvent[]; changed: boolean }>;

const unavailable = (cause: unknown): AppError =>
  cause instanceof StoreError && cause.code === 'SCHEMA_NEWER'
    ? new AppError('STORE_UPGRADING', '督办通正在升级,本服务器尚未升级完:本次办理没有生效,请稍后重试。', { cause })
    : new AppError(
        'STORE_UNAVAILABLE',
        '数据暂时无法保存(数据目录不可写或磁盘已满),本次办理没有生效,请稍后重试。已办理的事项不会丢失。',
        { cause },
      );

/**
 * Ledger and state commit together (ARCHITECTURE rule 13). The state file is the commit point:
 * a transaction's events get their sequence numbers and hashes first, ride in the state document
 * (`ledger.unflushed`) in the same atomic write as the state change, and are appended to the
 * ledger right after. A crash between the two leaves them in the state, and the next open (or the
 * next transaction) appends them: never an event without its state change, never a state change
 * without its event.
 *
 * Transactions are computed one at a time on the newest state (committed or on its way to the
 * disk), so a decision always sees every earlier one; writes in flight are group-committed. Until
 * a write is durable nobody reads it (`get()` is the committed state); if it fails, it and every
 * transaction built on it are refused with a 503, the state stays as the disk has it, and health
 * turns degraded until a write succeeds again.
 */
export class Committer {
  private committed: State;
  /** The committed state plus the transactions waiting for their write. */
  private tentative: State;
  private queue: Array<{ state: State } & Waiter> = [];
  private draining: Promise<void> | undefined;
  private problem: StoreHealth = { status: 'ok' };
  /** Counts the states this instance took as committed (its writes, and adoptions): a reload begun before one is stale. */
  private commits = 0;

  constructor(
    initial: State,
    private readonly ledger: LedgerSink,
    /** Writes `state`, reached from the last state written by `patches` (a store may keep only these). */
    private readonly writeState: (state: State, patches: Patch[]) => Promise<void>,
    private readonly clock: () => Date,
    private readonly reload?: Reload,
  ) {
    this.committed = initial;
    this.tentative = initial;
  }

  get(): Readonly<State> {
    return this.committed;
  }

  health(): StoreHealth {
    return this.problem;
  }

  private readonly writeObservers = new Set<(seconds: number, transactions: number) => void>();

  /** Each commit's write (the group's state and events), timed: for /metrics. Returns the unsubscribe. */
  observeWrites(fn: (seconds: number, transactions: number) => void): () => void {
    this.writeObservers.add(fn);
    return () => this.writeObservers.delete(fn);
  }

  transact<R>(fn: (draft: State, tx: Tx) => R): Promise<Committed<R>> {
    const at = this.clock();
    let computed: ReturnType<Committer['compute']>;
    try {
      computed = this.compute(this.tentative, fn, at);
    } catch (error) {
      return Promise.reject(error);
    }
    if (computed.next === this.tentative)
      return Promise.resolve({ result: computed.result as R, events: computed.events });
    this.tentative = computed.next;
    const waiter = {
      fn,
      at,
      state: computed.next,
      patches: computed.patches,
      events: computed.events,
      result: computed.result,
    } as Waiter;
    return new Promise<void>((resolve, reject) => {
      this.queue.push(Object.assign(waiter, { resolve, reject }));
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    }).then(() => ({ result: waiter.result as R, events: waiter.events }));
  }

  /** `fn` on `base`: the next state (the same object when nothing changed) with its events and result. */
  private compute(
    base: State,
    fn: (draft: State, tx: Tx) => unknown,
    at: Date,
  ): { next: State; patches: Patch[]; events: LedgerEvent[]; result: unknown } {
    const atIso = at.toISOString();
    const events: LedgerEvent[] = [];
    let result: unknown;
    let { seq, hash } = base.ledger;
    const tx: Tx = {
      at,
      append: (raw: NewLedgerEvent) => {
        const e = checkEvent(raw);
        seq += 1;
        const body: Omit<LedgerEvent, 'hash'> = { id: `e${seq}`, seq, at: atIso, prevHash: hash, ...e };
        const event: LedgerEvent = { ...body, hash: eventHash(body) };
        hash = event.hash;
        events.push(event);
        return seq;
      },
    };
    let [next, patches] = produceWithPatches(base, (draft) => {
      result = fn(draft as State, tx);
    });
    if (next !== base || events.length > 0) {
      // The written state carries every event the ledger has not been handed yet (this
      // transaction's and those of earlier ones in the same group commit).
      const handed = this.ledger.head().seq;
      const unflushed = [...base.ledger.unflushed.filter((e) => e.seq > handed), ...events];
      if (events.length > 0 || unflushed.length !== base.ledger.unflushed.length) {
        const [marked, more] = produceWithPatches(next, (draft) => {
          draft.ledger = { seq, hash, unflushed: unflushed as State['ledger']['unflushed'] };
        });
        next = marked;
        patches = [...patches, ...more];
      }
    }
    return { next, patches, events, result };
  }

  /**
   * Another instance wrote first (several instances on one database): take its state and events,
   * then compute every waiting transaction again on them, in order — each decides on the latest
   * state, as in one process. A transaction that now throws is refused with its error.
   */
  private async rebase(pending: Waiter[]): Promise<Waiter[]> {
    const fresh = await this.reload!();
    // what arrived while reloading was computed on the old state too
    pending.push(...this.queue.splice(0));
    this.adopt(fresh.state, fresh.events);
    const kept: Waiter[] = [];
    for (const w of pending) {
      try {
        const c = this.compute(this.tentative, w.fn, w.at);
        Object.assign(w, { state: c.next, patches: c.patches, events: c.events, result: c.result });
        if (c.next === this.tentative) {
          w.resolve(); // nothing to write any more (the other instance did it)
          continue;
        }
        this.tentative = c.next;
        kept.push(w);
      } catch (error) {
        w.reject(error);
      }
    }
    return kept;
  }

  private adopt(state: State, events: readonly LedgerEvent[]): void {
    this.commits += 1;
    this.committed = state;
    this.tentative = state;
    this.ledger.adopt?.(events, state);
  }

  /**
   * Picks up what other instances committed (a LISTEN/NOTIFY wake-up or a poll): only while this
   * instance has nothing of its own on the way, so a reader never sees its own writes go back.
   */
  async refresh(): Promise<boolean> {
    if (!this.reload || this.draining || this.queue.length > 0) return false;
    const commits = this.commits;
    const fresh = await this.reload();
    // a write of this instance's that began and ended meanwhile is newer than what was read
    if (this.draining || this.queue.length > 0 || this.commits !== commits || !fresh.changed) return false;
    this.adopt(fresh.state, fresh.events);
    return true;
  }

  /** Resolves once every transaction asked for so far has been written (or refused). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    let rebases = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const last = batch.at(-1)!.state;
      try {
        await this.catchUpLedger();
        const started = performance.now();
        await this.writeState(
          last,
          batch.flatMap((w) => w.patches),
        );
        const seconds = (performance.now() - started) / 1000;
        for (const fn of this.writeObservers) fn(seconds, batch.length);
      } catch (caught) {
        let error = caught;
        if (caught instanceof StoreError && caught.code === 'STATE_STALE' && this.reload && rebases < 30) {
          // another instance wrote first: compute this batch (and what came after it) again on its state,
          // after a short random pause that grows with each loss (an instance writing in a burst is
          // let through instead of winning every race against our reload)
          rebases += 1;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(rebases, 7)));
          try {
            this.queue = await this.rebase([...batch, ...this.queue.splice(0)]);
            continue;
          } catch (reloadError) {
            error = reloadError;
          }
        }
        // nothing of this batch is committed, and what was computed on top of it cannot be either
        const refused = [...batch, ...this.queue.splice(0)];
        this.tentative = this.committed;
        // lost the race too often (several instances): a refusal to retry, not a broken store
        const busy =
          error instanceof StoreError && error.code === 'STATE_STALE'
            ? new AppError('STORE_BUSY', '同时办理的人较多,本次办理没有生效,请稍后重试。', { cause: error })
            : undefined;
        if (!busy && (this.problem.status === 'ok' || this.problem.code !== 'LEDGER_BEHIND'))
          this.problem = {
            status: 'degraded',
            code: 'STATE_WRITE_FAILED',
            reason: `状态文件写入失败:${(error as Error).message.slice(0, 200)}`,
          };
        for (const w of refused) w.reject(busy ?? (error instanceof AppError ? error : unavailable(error)));
        rebases = 0;
        continue;
      }
      rebases = 0;
      this.commits += 1;
      this.committed = last;
      this.problem = { status: 'ok' };
      const events = batch.flatMap((w) => w.events);
      if (events.length > 0) {
        try {
          await this.ledger.appendPrepared(events);
        } catch (error) {
          // committed all the same: the events wait in the state file until the ledger takes them
          this.problem = {
            status: 'degraded',
            code: 'LEDGER_BEHIND',
            reason: `台账写入失败,${events.length} 条记录暂存于状态文件,恢复后自动补记:${(error as Error).message.slice(0, 200)}`,
          };
        }
      }
      for (const w of batch) w.resolve();
    }
  }

  /** Appends committed events the ledger does not have yet (after a crash or a failed append). */
  async catchUpLedger(): Promise<void> {
    const marker = this.committed.ledger;
    let head = this.ledger.head();
    if (head.seq >= marker.seq) return;
    if (this.problem.status === 'degraded' && this.problem.code === 'LEDGER_BEHIND') {
      await this.ledger.recover();
      head = this.ledger.head();
      if (head.seq >= marker.seq) return;
    }
    const missing = marker.unflushed.filter((e) => e.seq > head.seq);
    if (missing[0]?.seq !== head.seq + 1 || missing[0].prevHash !== head.hash) {
      throw new AppError(
        'STORE_UNAVAILABLE',
        `台账(到第 ${head.seq} 条)与状态文件(到第 ${marker.seq} 条)对不上,且缺少的记录无法从状态文件补齐:请从备份恢复台账`,
      );
    }
    await this.ledger.appendPrepared(missing as LedgerEvent[]);
    if (this.problem.status === 'degraded' && this.problem.code === 'LEDGER_BEHIND') this.problem = { status: 'ok' };
  }
}
