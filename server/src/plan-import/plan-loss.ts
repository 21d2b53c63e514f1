import type { Task } from '../../../shared/schemas/task.js';
import type { ImportResult } from '../importer/import-result.js';
import type { State } from '../store/state.js';

/** What applying a document would take away from the plan it replaces. */
export interface PlanLoss {
  /** The plan compared with: the stored plan of the same id, else the active plan it would replace. */
  planId: string;
  title: string;
  /** Tasks that plan has now. */
  total: number;
  /** Its tasks with no counterpart in the document (same id, same kind and number, or same title). */
  lost: Task[];
}

const bare = (title: string) => title.replace(/[\s,。、;:,.;:()()“”"']/g, '');

/**
 * Compares a document with the plan it would replace — made the current plan, the active plan
 * whatever its id; else the stored plan of its id: a re-exported file gets a new id, yet it replaces
 * what every unit's 我的任务 shows. A task counts as kept when the document has one of the same
 * id, the same kind and number, or the same title. Undefined when nothing is replaced.
 */
export function planLoss(state: Readonly<State>, result: ImportResult, activate: boolean): PlanLoss | undefined {
  const same = state.plans.find((p) => p.id === result.plan.id);
  const active = state.plans.find((p) => p.id === state.activePlanId);
  const target = activate && active && active.id !== result.plan.id ? active : same;
  if (!target) return undefined;
  const ids = new Set(result.tasks.map((t) => t.id));
  const numbers = new Set(result.tasks.map((t) => `${t.kind}:${t.number}`));
  const titles = new Set(result.tasks.map((t) => bare(t.title)));
  const tasks = state.tasks.filter((t) => t.planId === target.id);
  const lost = tasks.filter(
    (t) => !ids.has(t.id) && !numbers.has(`${t.kind}:${t.number}`) && !titles.has(bare(t.title)),
  );
  return { planId: target.id, title: target.title, total: tasks.length, lost };
}

/** "重点任务3 公文减量;任务12 …" — the first few lost tasks, for a message. */
export function lostNames(lost: readonly Task[], max = 10): string {
  const names = lost
    .slice(0, max)
    .map((t) => `${t.kind === 'key' ? '重点任务' : '任务'}${t.number} ${t.title.slice(0, 20)}`);
  return `${names.join(';')}${lost.length > max ? ' 等' : ''}`;
}
