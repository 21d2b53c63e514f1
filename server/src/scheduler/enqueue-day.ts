import type { PlanResult } from '../domain/reminders/planner.js';
import { digestMessage, type DigestReach } from '../domain/reminders/digest-text.js';
import { viewOf } from '../domain/reminders/reminder-view.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import type { State } from '../model/state.js';
import { planTags } from '../domain/obligations/obligation-book.js';
import { outboxRow } from '../model/outbox-row.js';

/**
 * Puts the day's reminders into the outbox, in the caller's state write (the same write that marks
 * the day as planned). Rows are keyed by person + date + digest kind, 待办 by obligation + person,
 * so nothing is enqueued twice. Returns how many rows were added.
 */
export function enqueuePlan(
  draft: State,
  plan: PlanResult,
  policy: ReminderPolicy,
  publicUrl: string,
  at: Date,
  /** What the person's platform allows (the dispatcher's choice for them); DingTalk's when absent. */
  reach?: (personId: string) => DigestReach | undefined,
): number {
  const keys = new Set(draft.outbox.map((r) => r.key));
  let added = 0;
  // several plans at once: each line names its plan
  const tags = planTags(draft, plan.date);
  const planOfTask = tags && new Map(draft.tasks.map((t) => [t.id, tags.get(t.planId)]));
  const planOf = planOfTask && ((taskId: string) => planOfTask.get(taskId));
  for (const r of plan.reminders) {
    if (keys.has(r.key)) continue;
    const view = viewOf(r);
    draft.outbox.push(
      outboxRow(
        r.key,
        'notice',
        r.date,
        at,
        {
          userId: r.userId,
          kind: r.kind,
          as: r.as,
          level: r.level,
          message: digestMessage(r, publicUrl, policy.digest.maxItems, {
            overdueAtLeast:
              r.as === 'supervisor'
                ? policy.escalation.supervisorAfterOverdueWorkingDays
                : policy.escalation.leaderAfterOverdueWorkingDays,
            ...(reach?.(r.personId) ? { reach: reach(r.personId)! } : {}),
            ...(planOf ? { planOf } : {}),
          }) as unknown as Record<string, unknown>,
          obligations: view.obligationIds(),
          tasks: view.taskIds(),
        },
        r.personId,
      ),
    );
    keys.add(r.key);
    added += 1;
  }
  for (const t of plan.todoCreates) {
    const key = `todoCreate:${t.key}`;
    if (keys.has(key) || draft.todos[t.key]) continue;
    draft.todos[t.key] = { obligationIds: t.obligationIds, personId: t.personId, unionId: t.unionId, done: false };
    const url = `${publicUrl}/app/${t.taskId ? `#/tasks/${encodeURIComponent(t.taskId)}` : '#/my'}`;
    draft.outbox.push(
      outboxRow(
        key,
        'todoCreate',
        plan.date,
        at,
        {
          todoKey: t.key,
          subject: t.subject,
          ...(t.description ? { description: t.description } : {}),
          due: t.due,
          ...(t.taskId ? { taskId: t.taskId } : {}),
          url,
        },
        t.personId,
      ),
    );
    keys.add(key);
    added += 1;
  }
  return added;
}
