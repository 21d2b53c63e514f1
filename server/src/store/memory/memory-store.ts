import { produce } from 'immer';
import type { LedgerEvent, NewLedgerEvent } from '../../../../shared/schemas/ledger.js';
import { NewLedgerEvent as NewLedgerEventSchema } from '../../../../shared/schemas/ledger.js';
import { eventHash, GENESIS_HASH } from '../ledger/event-hash.js';
import type { Ledger, StateStore, Store } from '../ports.js';
import { notify } from '../ledger/notify.js';
import { emptyState, type State } from '../state.js';

/**
 * The store ports in memory: same semantics as the durable adapters (atomic updates, hash-chained
 * ledger), no disk. For simulations and benchmarks where durability is not what is measured.
 */
export class MemoryStore implements Store {
  readonly created = true;
  private data: State;
  private readonly events: LedgerEvent[] = [];
  private readonly listeners = new Set<(events: readonly LedgerEvent[]) => void>();

  constructor(
    initial: State = emptyState(),
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.data = structuredClone(initial);
  }

  readonly state: StateStore = {
    get: () => this.data,
    update: async <R>(fn: (draft: State) => R): Promise<R> => {
      let result!: R;
      this.data = produce(this.data, (draft) => {
        result = fn(draft as State);
      });
      return result;
    },
  };

  readonly ledger: Ledger = {
    append: async (event: NewLedgerEvent) => (await this.ledger.appendMany([event]))[0]!,
    appendMany: async (input: readonly NewLedgerEvent[]) => {
      const at = this.clock().toISOString();
      const out = input.map((raw) => {
        const e = NewLedgerEventSchema.parse(raw);
        const prev = this.events.at(-1);
        const body = { id: `e${this.events.length + 1}`, seq: this.events.length + 1, at, prevHash: prev?.hash ?? GENESIS_HASH, ...e };
        const event: LedgerEvent = { ...body, hash: eventHash(body) };
        this.events.push(event);
        return event;
      });
      notify(this.listeners, out);
      return out;
    },
    subscribe: (listener) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
    head: () => ({ seq: this.events.length, hash: this.events.at(-1)?.hash ?? GENESIS_HASH }),
    last: () => this.events.at(-1),
    read: async function* (this: MemoryStore, fromSeq = 1) {
      for (const e of this.events) if (e.seq >= fromSeq) yield e;
    }.bind(this) as Ledger['read'],
  };

  async close(): Promise<void> {}
}
