import type { Task } from '../../../../shared/schemas/task.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../model/state.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { ReminderPolicy } from '../policy/policy.js';
import { chaseRules, isChased, obligationsOf, obligationsOfAssignmentIn } from './obligation-book.js';
import { itemLight, returnedReports, type Light } from '../lights/lights.js';

export type { Light } from '../lights/lights.js';
export { lightOf } from '../lights/lights.js';

export interface OpenObligation {
  obligation: ObligationRecord;
  task: Task;
  unitId: string;
  /** domain/lights: red overdue; yellow due soon or a returned report to refile; green later. */
  light: Light;
  /** The light in words. */
  reason: string;
  /** Working days until due (negative when overdue). */
  workingDaysLeft: number;
  /** The 督考办's comment when it returned the report on this item (not refiled yet). */
  returned?: string;
}

/**
 * What the given units still owe on `today`, from the stored obligations: this year's that have
 * opened (or, with `includeNotYetOpen`, also those still to open) and last year's still open and
 * overdue, of active assignments, soonest first — none of a plan whose period has ended, nor of a
 * year whose 考评 is final (unless the 督考办 reopened the item).
 */
export function openObligations(
  state: Readonly<State>,
  calendar: WorkCalendar,
  policy: ReminderPolicy,
  unitIds: readonly string[],
  today: string,
  o: { includeNotYetOpen?: boolean; /** only this assignment's (one of `unitIds`') */ assignmentId?: string } = {},
): OpenObligation[] {
  const year = Number(today.slice(0, 4));
  const units = new Set(unitIds);
  const active = new Set<string>();
  for (const a of state.assignments) if (a.status === 'active' && units.has(a.unitId)) active.add(a.id);
  const tasks = new Map(state.tasks.map((t) => [t.id, t]));
  const returned = returnedReports(state);
  const out: OpenObligation[] = [];
  const chase = chaseRules(state, policy);
  const book = { calendar, policy };
  const years = [year - 1, year];
  const records =
    o.assignmentId === undefined
      ? obligationsOf(state, book, years)
      : obligationsOfAssignmentIn(state, book, years, o.assignmentId);
  for (const ob of records) {
    if (ob.status !== 'open' || !active.has(ob.assignmentId)) continue;
    if (!isChased(chase, ob, today)) continue; // the plan has ended, or the year's 考评 is final
    if (ob.year === year ? ob.opensOn > today && !o.includeNotYetOpen : ob.year !== year - 1 || ob.due >= today)
      continue;
    const task = tasks.get(ob.taskId);
    if (!task) continue;
    const back = returned.get(ob.id);
    out.push({
      obligation: ob,
      task,
      unitId: ob.unitId,
      ...itemLight({ calendar, policy }, today, ob.due, back),
      ...(back !== undefined ? { returned: back } : {}),
    });
  }
  return out.sort(
    (x, y) =>
      x.workingDaysLeft - y.workingDaysLeft ||
      x.task.number - y.task.number ||
      (x.obligation.id < y.obligation.id ? -1 : 1),
  );
}
