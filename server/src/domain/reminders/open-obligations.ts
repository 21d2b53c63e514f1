import type { Task } from '../../../../shared/schemas/task.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../store/state.js';
import { includedTasks, obligationContext, obligationsFor, planYears, type Obligation } from './obligations.js';
import type { ReminderPolicy } from './policy.js';

export type Light = 'red' | 'yellow' | 'green';

export interface OpenObligation {
  obligation: Obligation;
  task: Task;
  unitId: string;
  /** red: overdue; yellow: due within the first nudge; green: later. */
  light: Light;
  /** Working days until due (negative when overdue). */
  workingDaysLeft: number;
}

/**
 * What the given units still owe on `today`: obligations of this year (and last year's still
 * open) that have opened and are not fulfilled, soonest first.
 */
export function openObligations(state: Readonly<State>, calendar: WorkCalendar, policy: ReminderPolicy, unitIds: readonly string[], today: string): OpenObligation[] {
  const year = Number(today.slice(0, 4));
  const yellowWithin = Math.max(1, ...policy.nudges.beforeWorkingDays);
  const out: OpenObligation[] = [];
  for (const plan of state.plans) {
    const span = planYears(plan);
    const ctx = obligationContext(state, plan, calendar, policy);
    const tasks = new Map(includedTasks(state.tasks, plan.id, policy).map((t) => [t.id, t]));
    for (const a of state.assignments) {
      if (a.planId !== plan.id || a.status !== 'active' || !unitIds.includes(a.unitId)) continue;
      const task = tasks.get(a.taskId);
      if (!task) continue;
      for (const y of [year - 1, year]) {
        if (y < span.from) continue;
        for (const o of obligationsFor(ctx, task, a, y)) {
          if (state.fulfillments[o.id] || o.opensOn > today || (y < year && o.due >= today)) continue;
          const left = calendar.workingDaysBetween(today, o.due);
          out.push({ obligation: o, task, unitId: a.unitId, light: left < 0 ? 'red' : left <= yellowWithin ? 'yellow' : 'green', workingDaysLeft: left });
        }
      }
    }
  }
  return out.sort((x, y) => x.workingDaysLeft - y.workingDaysLeft || x.task.number - y.task.number);
}
