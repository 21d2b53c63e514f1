import type { LedgerEvent } from '../../server/src/model/ledger.js';
import type { AppendEvent } from '../../server/src/model/ledger-events.js';
import type { Store } from '../../server/src/store/ports.js';
import type { State } from '../../server/src/model/state.js';

/** Appends events in one transaction (tests that set up history). */
export async function appendEvents(store: Store, events: readonly AppendEvent[]): Promise<LedgerEvent[]> {
  return (await store.transact((_, tx) => events.forEach((e) => tx.append(e)))).events;
}

export async function appendEvent(store: Store, event: AppendEvent): Promise<LedgerEvent> {
  return (await appendEvents(store, [event]))[0]!;
}

/** Changes the state in one transaction without events (tests that set up a situation). */
export async function updateState<R>(store: Store, fn: (draft: State) => R): Promise<R> {
  return (await store.transact((draft) => fn(draft))).result;
}
