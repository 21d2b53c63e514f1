import { taskLabel } from '../../../shared/task-label.js';
import type { Task } from '../../../shared/schemas/task.js';
import type { ImportResult } from '../importer/import-result.js';
import type { State } from '../model/state.js';

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

const bare = (title: string) => title.replace(/[\s,。、;:,.;:()()“”"'《》]/g, '');
/** A plan's title without its years and punctuation: the 2018–2022 plan re-issued is the same plan. */
const planName = (title: string) => bare(title.replace(/\d{4}\s*[-–—~至到]?\s*(\d{4})?\s*年?(度)?/g, ''));

/**
 * Compares a document with the plan it would replace — made the current plan, the active plan
 * whatever its id, when it is that plan again; else the stored plan of its id: a re-exported file
 * gets a new id, yet it replaces what every unit's 我的任务 shows. A task counts as kept when the
 * document has one of the same id, the same kind and number, or the same title. Undefined when
 * nothing is replaced (a new plan, or another plan made current: the active one stays as it is).
 */
export function planLoss(state: Readonly<State>, result: ImportResult, activate: boolean): PlanLoss | undefined {
  const same = state.plans.find((p) => p.id === result.plan.id);
  const active = state.plans.find((p) => p.id === state.activePlanId);
  const replacing = activate && active && active.id !== result.plan.id ? active : same;
  if (!replacing) return undefined;
  const tasks = state.tasks.filter((t) => t.planId === replacing.id);
  const kept = (n: Task, o: Task) =>
    n.id === o.id || (n.kind === o.kind && n.number === o.number) || bare(n.title) === bare(o.title);
  const lost = tasks.filter((t) => !result.tasks.some((n) => kept(n, t)));
  if (replacing !== same) {
    // another plan made current replaces the active one only if it is that plan again: its name,
    // or most of its tasks found among the active plan's by title (a re-exported, cut-down copy)
    const titles = new Set(tasks.map((t) => bare(t.title)));
    const shared = result.tasks.filter((t) => titles.has(bare(t.title))).length;
    const samePlan =
      planName(replacing.title) === planName(result.plan.title) ||
      (result.tasks.length > 0 && shared * 2 >= result.tasks.length);
    if (!samePlan) return undefined;
  }
  return { planId: replacing.id, title: replacing.title, total: tasks.length, lost };
}

/** "重点任务3 公文减量;任务12 …" — the first few lost tasks, for a message. */
export function lostNames(lost: readonly Task[], max = 10): string {
  const names = lost.slice(0, max).map((t) => `${taskLabel(t)} ${t.title.slice(0, 20)}`);
  return `${names.join(';')}${lost.length > max ? ' 等' : ''}`;
}
