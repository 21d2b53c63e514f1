import { eventOf, type EventType } from '../../model/ledger-events.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { Actor } from '../../model/ledger.js';
import type { Store, Tx } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { completeTodosInDraft, withdrawTodoCompletionsInDraft } from '../notices/notices.js';
import { findObligation } from './obligation-table.js';

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
  /** The bot message that asked for it. */
  msgId?: string;
}

const EVENT = {
  acknowledge: 'obligation.acknowledged',
  report: 'obligation.reported',
  approve: 'obligation.approved',
} as const satisfies Record<FulfilAction, EventType>;

/**
 * Records that obligations were met by actions (签收, 进展报送, 审核通过) — never by time passing.
 * One transaction records the events, marks them fulfilled and enqueues the completion of their
 * open 待办. Idempotent: an obligation already fulfilled (or not stored) is skipped.
 */
export async function fulfilObligations(store: Store, inputs: readonly FulfilInput[]): Promise<{ changed: number }> {
  const { result } = await store.transact((draft, tx) => fulfilInDraft(draft, tx, inputs));
  return { changed: result.length };
}

/** The same inside a caller's transaction: decides on the draft, so concurrent identical actions record once. */
export function fulfilInDraft(draft: State, tx: Tx, inputs: readonly FulfilInput[]): string[] {
  const changed: string[] = [];
  for (const input of inputs) {
    const o = findObligation(draft, input.obligationId);
    if (!o || o.status !== 'open') continue;
    const type = EVENT[input.action];
    const seq = tx.append(
      eventOf(
        type,
        {
          actor: input.actor,
          subject: { type: 'assignment', id: input.obligationId.split(':')[0]! },
          channel: input.channel,
        },
        {
          obligationId: input.obligationId,
          ...(input.msgId ? { msgId: input.msgId } : {}),
          ...(input.unitId ? { unitId: input.unitId } : {}),
          before: 'open',
          after: type.slice('obligation.'.length),
          ...(input.note ? { note: input.note.slice(0, 2000) } : {}),
        },
      ),
    );
    Object.assign(o, {
      status: 'fulfilled',
      doneAt: input.at.toISOString(),
      action: input.action,
      seq,
      ...(input.actor.id ? { by: input.actor.id } : {}),
    });
    completeTodosInDraft(draft, input.obligationId, input.at);
    changed.push(input.obligationId);
  }
  return changed;
}

export async function fulfilObligation(store: Store, input: FulfilInput): Promise<{ changed: boolean }> {
  return { changed: (await fulfilObligations(store, [input])).changed > 0 };
}

/**
 * Opens a fulfilled obligation again (a 签收 taken back, a report filed against another item), as
 * of ledger event `seq`; the 待办 completion not sent yet is withdrawn with it.
 */
export function reopenInDraft(draft: State, o: ObligationRecord, seq: number): void {
  o.status = 'open';
  o.seq = seq;
  delete o.doneAt;
  delete o.by;
  delete o.action;
  withdrawTodoCompletionsInDraft(draft, o.id);
}
