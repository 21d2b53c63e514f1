import type { OutboundMessage } from '../../channels/channel.js';
import type { State } from '../../model/state.js';
import { outboxRow } from '../../model/outbox-row.js';
import { findObligation } from '../obligations/obligation-table.js';

/**
 * What the domain asks of notices, inside its own transaction: a work notification to one person,
 * the completion or withdrawal of 待办. The rows are only written here; outbox/'s dispatcher sends them.
 */

/** Enqueues the completion of every open 待办 created for an obligation (it was met). */
export function completeTodosInDraft(draft: State, obligationId: string, at: Date): void {
  const keys = new Set(draft.outbox.map((r) => r.key));
  for (const [todoKey, todo] of Object.entries(draft.todos)) {
    if (todo.done || !todo.obligationIds.includes(obligationId)) continue;
    // a 待办 for several parts (units, or a batch of 签收) is done when every one of them is
    if (todo.obligationIds.some((id) => findObligation(draft, id)?.status === 'open')) continue;
    const key = `todoComplete:${todoKey}`;
    if (keys.has(key)) continue;
    draft.outbox.push(outboxRow(key, 'todoComplete', at.toISOString().slice(0, 10), at, { todoKey }, todo.personId));
    keys.add(key);
  }
}

/** Withdraws the 待办 completions not sent yet for an obligation that opened again (签收 undone, report refiled). */
export function withdrawTodoCompletionsInDraft(draft: State, obligationId: string): void {
  const affected = new Set(
    Object.entries(draft.todos)
      .filter(([, t]) => t.obligationIds.includes(obligationId))
      .map(([k]) => k),
  );
  draft.outbox = draft.outbox.filter(
    (r) => !(r.kind === 'todoComplete' && r.status === 'pending' && affected.has(r.payload.todoKey)),
  );
}

/**
 * A work notification to one person now (a decision of the 督考办, a 催办), keyed so that the same
 * notice is never enqueued twice. Not a digest: it goes out at the dispatcher's next run.
 */
export function noticeInDraft(
  draft: State,
  n: {
    key: string;
    personId: string;
    userId: string;
    kind: 'decision' | 'urge' | 'weekly';
    message: OutboundMessage;
    tasks: string[];
    obligations: string[];
    date: string;
  },
  at: Date,
): boolean {
  if (draft.outbox.some((r) => r.key === n.key)) return false;
  draft.outbox.push(
    outboxRow(
      n.key,
      'notice',
      n.date,
      at,
      {
        userId: n.userId,
        kind: n.kind,
        message: n.message as unknown as Record<string, unknown>,
        obligations: n.obligations,
        tasks: n.tasks,
      },
      n.personId,
    ),
  );
  return true;
}

/** The tasks of the last notice sent to a person since `since` (the bot's "which task is this reply about"). */
export function lastNoticeTasks(state: Readonly<State>, personId: string, since: Date): string[] {
  const after = since.toISOString();
  let last: Extract<State['outbox'][number], { kind: 'notice' }> | undefined;
  for (const r of state.outbox) {
    if (r.kind !== 'notice' || r.personId !== personId || r.status !== 'sent' || !r.doneAt || r.doneAt < after)
      continue;
    if (!last || r.doneAt > last.doneAt!) last = r;
  }
  return last?.payload.tasks ?? [];
}
