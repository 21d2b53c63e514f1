import type { Actor } from '../../../../shared/schemas/ledger.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../store/state.js';

export type FulfilAction = 'acknowledge' | 'report' | 'approve';

/**
 * Records that an obligation was met by an action (签收, 进展报送, 审核通过) — never by time passing.
 * The ledger gets the event first, then the state marks the obligation fulfilled and enqueues the
 * completion of its open 待办 in the same write. Idempotent: fulfilling twice changes nothing.
 */
export async function fulfilObligation(
  store: Store,
  input: { obligationId: string; action: FulfilAction; channel: 'miniapp' | 'bot' | 'api' | 'cli'; actor: Actor; at: Date; note?: string },
): Promise<{ changed: boolean }> {
  if (store.state.get().fulfillments[input.obligationId]) return { changed: false };
  const [assignmentId] = input.obligationId.split(':');
  const event = await store.ledger.append({
    type: `obligation.${input.action === 'acknowledge' ? 'acknowledged' : input.action === 'report' ? 'reported' : 'approved'}`,
    actor: input.actor,
    subject: { type: 'assignment', id: assignmentId! },
    channel: input.channel,
    payload: { obligationId: input.obligationId, ...(input.note ? { note: input.note.slice(0, 2000) } : {}) },
  });
  await store.state.update((draft) => {
    if (draft.fulfillments[input.obligationId]) return;
    draft.fulfillments[input.obligationId] = { at: input.at.toISOString(), action: input.action, seq: event.seq, ...(input.actor.id ? { by: input.actor.id } : {}) };
    completeTodos(draft, input.obligationId, input.at);
  });
  return { changed: true };
}

/** Enqueues the completion of every 待办 created for an obligation. */
export function completeTodos(draft: State, obligationId: string, at: Date): void {
  for (const [key, todo] of Object.entries(draft.todos)) {
    if (todo.obligationId !== obligationId || todo.done) continue;
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
