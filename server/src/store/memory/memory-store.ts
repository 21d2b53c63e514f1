import type { LedgerEvent } from '../../model/ledger.js';
import { Committer, type LedgerSink } from '../committer.js';
import { GENESIS_HASH } from '../ledger/event-hash.js';
import { notify } from '../ledger/notify.js';
import type { Store } from '../ports.js';
import { emptyState, type State } from '../../model/state.js';

/** A hash-chained ledger in memory. */
class MemoryLedger implements LedgerSink {
  readonly events: LedgerEvent[] = [];
  private readonly listeners = new Set<(events: readonly LedgerEvent[]) => void>();

  head() {
    return { seq: this.events.length, hash: this.events.at(-1)?.hash ?? GENESIS_HASH };
  }
  last() {
    return this.events.at(-1);
  }
  async *read(fromSeq = 1): AsyncIterable<LedgerEvent> {
    for (const e of this.events) if (e.seq >= fromSeq) yield e;
  }
  subscribe(listener: (events: readonly LedgerEvent[]) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async appendPrepared(events: readonly LedgerEvent[]): Promise<void> {
    if (events[0] && events[0].seq !== this.events.length + 1)
      throw new Error(`ledger continuity: expected ${this.events.length + 1}, got ${events[0].seq}`);
    this.events.push(...events);
    notify(this.listeners, events);
  }
  async recover(): Promise<void> {}
}

/**
 * The store port in memory: the same transactions as the durable store (serialised, atomic,
 * hash-chained ledger), no disk. For simulations and benchmarks where durability is not measured.
 */
export class MemoryStore implements Store {
  readonly created = true;
  private readonly committer: Committer;
  readonly ledger = new MemoryLedger();

  constructor(initial: State = emptyState(), clock: () => Date = () => new Date()) {
    this.committer = new Committer(structuredClone(initial), this.ledger, async () => undefined, clock);
  }

  readonly state = { get: () => this.committer.get() };
  transact: Store['transact'] = (fn) => this.committer.transact(fn);
  health: Store['health'] = () => this.committer.health();
  async close(): Promise<void> {
    await this.committer.idle();
  }
}
