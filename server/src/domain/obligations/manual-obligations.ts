import type { Actor } from '../../model/ledger.js';
import { topUpManualInDraft, type BookRules } from './obligation-book.js';
import { AppError } from '../../errors.js';
import type { Store, Tx } from '../../store/ports.js';
import type { State } from '../../model/state.js';

export interface ManualObligationInput {
  taskId: string;
  /** Only these units (must be assigned to the task); all of the task's units when absent. */
  unitIds?: string[] | undefined;
  label: string;
  due: string;
  /** Owed from this day (default: from its first reminder). */
  opensOn?: string | undefined;
}

/**
 * The 督考办 adds an obligation by hand (上级部署的专项工作, a 督查 round's report, a 催办), inside
 * the caller's transaction: validated on the draft, recorded in the ledger, stored for the years
 * already materialised, and part of every plan and reminder from then on. Returns its id.
 */
export function addManualInDraft(
  draft: State,
  tx: Tx,
  rules: BookRules,
  input: ManualObligationInput,
  actor: Actor,
  channel: 'api' | 'miniapp' = 'api',
): string {
  const task = draft.tasks.find((t) => t.id === input.taskId);
  if (!task) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${input.taskId} 的任务`);
  const label = input.label.trim();
  if (label.length < 2 || label.length > 100) throw new AppError('VALIDATION_FAILED', '事项名称应为 2–100 个字');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.due) || Number.isNaN(Date.parse(input.due)))
    throw new AppError('VALIDATION_FAILED', '截止日期格式应为 YYYY-MM-DD');
  if (!rules.calendar.hasYear(Number(input.due.slice(0, 4))))
    throw new AppError('VALIDATION_FAILED', `没有 ${input.due.slice(0, 4)} 年的节假日数据,无法安排该截止日期`);
  const assigned = new Set(
    draft.assignments.filter((a) => a.taskId === task.id && a.status === 'active').map((a) => a.unitId),
  );
  const bad = (input.unitIds ?? []).find((u) => !assigned.has(u));
  if (bad)
    throw new AppError(
      'VALIDATION_FAILED',
      `${draft.units.find((u) => u.id === bad)?.name ?? `单位 ${bad}`}不承担该任务(或已办结)`,
    );
  const id = `h${draft.manualObligations.length + 1}`;
  tx.append({
    type: 'obligation.added',
    actor,
    subject: { type: 'task', id: task.id },
    channel,
    payload: { id, label, due: input.due, unitIds: input.unitIds ?? null },
  });
  draft.manualObligations.push({
    id,
    planId: task.planId,
    taskId: task.id,
    ...(input.unitIds ? { unitIds: input.unitIds } : {}),
    label,
    due: input.due,
    ...(input.opensOn ? { opensOn: input.opensOn } : {}),
    createdBy: actor.id ?? actor.name ?? actor.type,
    createdAt: tx.at.toISOString(),
  });
  topUpManualInDraft(draft, tx, rules, task.id, Number(input.due.slice(0, 4)));
  return id;
}

/** The same in a transaction of its own. */
export async function addManualObligation(
  store: Store,
  rules: BookRules,
  input: ManualObligationInput,
  actor: Actor,
): Promise<{ id: string }> {
  const { result } = await store.transact((draft, tx) => addManualInDraft(draft, tx, rules, input, actor));
  return { id: result };
}
