import type { OutboundMessage } from '../../channels/channel.js';
import type { State } from '../../model/state.js';
import { outboxRow } from '../../model/outbox-row.js';
import { findObligation } from '../obligations/obligation-table.js';
import { handleOf, type Person } from '../../../../shared/schemas/person.js';

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

/** Who hears of what is decided about units (a 通报, a 考评 result): their contacts and leaders. */
export function unitPeople(draft: Readonly<State>, unitIds: readonly string[]): Person[] {
  return draft.people.filter(
    (x) => x.unitIds.some((u) => unitIds.includes(u)) && (x.roles.includes('contact') || x.roles.includes('leader')),
  );
}

/**
 * The same kind of card to each of `people` — a title, words addressed to them, one button — each
 * keyed by person so that it is enqueued once: a 通报, a 催办, a 考评 result.
 */
export function cardToEach(
  draft: State,
  people: readonly Person[],
  card: {
    key: (p: Person) => string;
    kind: 'decision' | 'urge' | 'weekly';
    title: string;
    markdown: (p: Person) => string;
    button: { title: string; url: string };
    tasks: string[];
    date: string;
  },
  at: Date,
): void {
  for (const p of people)
    noticeInDraft(
      draft,
      {
        key: card.key(p),
        personId: p.id,
        userId: handleOf(p),
        kind: card.kind,
        message: { kind: 'actionCard', title: card.title, markdown: card.markdown(p), buttons: [card.button] },
        tasks: card.tasks,
        obligations: [],
        date: card.date,
      },
      at,
    );
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
