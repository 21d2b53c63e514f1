import type { Actor } from '../../../../shared/schemas/ledger.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../store/state.js';

export type FulfilAction = 'acknowledge' | 'report' | 'approve';

export interface FulfilInput {
  obligationId: string;
  action: FulfilAction;
  channel: 'miniapp' | 'bot' | 'api' | 'cli';
  actor: Actor;
  at: Date;
  note?: string;
  /** The unit acting (recorded with the event). */
  unitId?: string;
}

const EVENT: Record<FulfilAction, string> = { acknowledge: 'obligation.acknowledged', report: 'obligation.reported', approve: 'obligation.approved' };

/**
 * Records that obligations were met by actions (签收, 进展报送, 审核通过) — never by time passing.
 * The ledger gets the events first, then one state write marks them fulfilled and enqueues the
 * completion of their open 待办. Idempotent: an obligation already fulfilled is skipped.
 */
export async function fulfilObligations(store: Store, inputs: readonly FulfilInput[]): Promise<{ changed: number }> {
  const done = store.state.get().fulfillments;
  const seen = new Set<string>();
  const fresh = inputs.filter((i) => !done[i.obligationId] && !seen.has(i.obligationId) && seen.add(i.obligationId));
  if (fresh.length === 0) return { changed: 0 };
  const events = await store.ledger.appendMany(
    fresh.map((input) => ({
      type: EVENT[input.action],
      actor: input.actor,
      subject: { type: 'assignment', id: input.obligationId.split(':')[0]! },
      channel: input.channel,
      payload: { obligationId: input.obligationId, ...(input.unitId ? { unitId: input.unitId } : {}), before: 'open', after: EVENT[input.action].split('.')[1], ...(input.note ? { note: input.note.slice(0, 2000) } : {}) },
    })),
  );
  await store.state.update((draft) => {
    fresh.forEach((input, n) => {
      if (draft.fulfillments[input.obligationId]) return;
      draft.fulfillments[input.obligationId] = { at: input.at.toISOString(), action: input.action, seq: events[n]!.seq, ...(input.actor.id ? { by: input.actor.id } : {}) };
      completeTodos(draft, input.obligationId, input.at);
    });
  });
  return { changed: fresh.length };
}

export async function fulfilObligation(store: Store, input: FulfilInput): Promise<{ changed: boolean }> {
  return { changed: (await fulfilObligations(store, [input])).changed > 0 };
}

/** Enqueues the completion of every 待办 created for an obligation. */
export function completeTodos(draft: State, obligationId: string, at: Date): void {
  const prefix = `${obligationId}|`;
  for (const key of Object.keys(draft.todos)) {
    if (!key.startsWith(prefix)) continue;
    const todo = draft.todos[key]!;
    if (todo.done) continue;
    const rowKey = `todoComplete:${key}`;
    if (draft.outbox.some((r) => r.key === rowKey)) continue;
    draft.outbox.push({
      key: rowKey,
      kind: 'todoComplete',
      date: at.toISOString().slice(0, 10),
      personId: todo.personId,
      payload: { todoKey: key },
      status: 'pending',
      attempts: 0,
      runAt: at.toISOString(),
      createdAt: at.toISOString(),
    });
  }
}
