import type { Actor } from '../../../../shared/schemas/ledger.js';
import { topUpManualInDraft, type BookRules } from '../obligations/obligation-book.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/ports.js';

export interface ManualObligationInput {
  taskId: string;
  /** Only these units (must be assigned to the task); all of the task's units when absent. */
  unitIds?: string[];
  label: string;
  due: string;
}

/**
 * The 督考办 adds an obligation by hand (上级部署的专项工作, a 督查 report …): validated, recorded in
 * the ledger, then part of every plan and reminder from the next tick on.
 */
export async function addManualObligation(store: Store, rules: BookRules, input: ManualObligationInput, actor: Actor, at: Date): Promise<{ id: string }> {
  const { calendar } = rules;
  const state = store.state.get();
  const task = state.tasks.find((t) => t.id === input.taskId);
  if (!task) throw new AppError('TASK_NOT_FOUND', 404, `没有编号为 ${input.taskId} 的任务`);
  const label = input.label.trim();
  if (label.length < 2 || label.length > 100) throw new AppError('VALIDATION_FAILED', 400, '事项名称应为 2–100 个字');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.due) || Number.isNaN(Date.parse(input.due))) throw new AppError('VALIDATION_FAILED', 400, '截止日期格式应为 YYYY-MM-DD');
  if (!calendar.hasYear(Number(input.due.slice(0, 4)))) throw new AppError('VALIDATION_FAILED', 400, `没有 ${input.due.slice(0, 4)} 年的节假日数据,无法安排该截止日期`);
  const assigned = new Set(state.assignments.filter((a) => a.taskId === task.id && a.status === 'active').map((a) => a.unitId));
  const bad = (input.unitIds ?? []).find((u) => !assigned.has(u));
  if (bad) throw new AppError('VALIDATION_FAILED', 400, `单位 ${bad} 不承担该任务`);
  const id = `h${state.manualObligations.length + 1}`;
  await store.transact((d, tx) => {
    tx.append({ type: 'obligation.added', actor, subject: { type: 'task', id: task.id }, channel: 'api', payload: { id, label, due: input.due, unitIds: input.unitIds ?? null } });
    d.manualObligations.push({ id, planId: task.planId, taskId: task.id, ...(input.unitIds ? { unitIds: input.unitIds } : {}), label, due: input.due, createdBy: actor.id ?? actor.name ?? actor.type, createdAt: at.toISOString() });
    topUpManualInDraft(d, tx, rules, task.id, Number(input.due.slice(0, 4)));
  });
  return { id };
}
