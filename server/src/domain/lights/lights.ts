import type { ObligationRecord } from '../../model/obligation.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../model/state.js';
import type { ReminderPolicy } from '../policy/policy.js';
import { findObligation } from '../obligations/obligation-table.js';

/**
 * The one place that decides red / yellow / green, for an item and for a unit's part in a task
 * (and, by counting parts, for a task, a unit and a section), with the reason in words. The
 * mini-app, the bot and the digests all take their lights from here. Thresholds are in the
 * policy (seeds/reminder-policy.json, `lights`):
 *
 * - red: an open item past its due date;
 * - yellow: an open item due within `yellowWithinWorkingDays` working days (default: the first
 *   reminder before the due date), or a report the 督考办 returned and the unit has not refiled;
 * - green: otherwise. A green part that had an item done late within the last
 *   `recoveredForWorkingDays` working days is "已恢复" (it was red and caught up).
 */
export type Light = 'red' | 'yellow' | 'green';

export const LIGHT_ORDER: Record<Light, number> = { red: 0, yellow: 1, green: 2 };
export const LIGHT_NAMES: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' };

export interface LightRules {
  calendar: WorkCalendar;
  policy: ReminderPolicy;
}

/** Working days before the due date at which an item turns yellow. */
export function yellowWithin(policy: ReminderPolicy): number {
  return policy.lights.yellowWithinWorkingDays ?? Math.max(1, ...policy.nudges.beforeWorkingDays);
}

/** The light of an open item due on `due`, seen on `today` (by date alone). */
export function lightOf(
  calendar: WorkCalendar,
  policy: ReminderPolicy,
  today: string,
  due: string,
): { light: Light; workingDaysLeft: number } {
  const left = calendar.workingDaysBetween(today, due);
  return { light: left < 0 ? 'red' : left <= yellowWithin(policy) ? 'yellow' : 'green', workingDaysLeft: left };
}

/** The light's reason in words (a date of another year carries its year). */
export function lightReason(
  o: { workingDaysLeft: number; light: Light; due: string; returned?: string | undefined },
  today: string,
): string {
  if (o.workingDaysLeft < 0)
    return `已逾期 ${-o.workingDaysLeft} 个工作日(${cnDate(o.due, today)}截止)${o.returned !== undefined ? ',报告被退回待重报' : ''}`;
  if (o.returned !== undefined)
    return `报告被督考办退回,待重新报送${o.returned ? `(${o.returned.length > 30 ? `${o.returned.slice(0, 29)}…` : o.returned})` : ''}`;
  if (o.workingDaysLeft === 0) return `今天(${cnDate(o.due, today)})截止`;
  if (o.light === 'yellow') return `还有 ${o.workingDaysLeft} 个工作日(${cnDate(o.due, today)}截止)`;
  return `${cnDate(o.due, today)}截止,时间充裕`;
}

/** Reports returned by the 督考办 whose item is still open (not refiled): obligation id → the comment. */
export function returnedReports(state: Readonly<State>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of Object.values(state.requests)) {
    if (r.kind !== 'report' || r.state !== 'returned') continue;
    for (const id of r.obligationIds) if (findObligation(state, id)?.status === 'open') out.set(id, r.comment ?? '');
  }
  return out;
}

/** An open item's light: by its due date, and yellow at least while a returned report waits to be refiled. */
export function itemLight(
  rules: LightRules,
  today: string,
  due: string,
  returned: string | undefined,
): { light: Light; workingDaysLeft: number; reason: string } {
  const l = lightOf(rules.calendar, rules.policy, today, due);
  const light: Light = returned !== undefined && l.light === 'green' ? 'yellow' : l.light;
  return { light, workingDaysLeft: l.workingDaysLeft, reason: lightReason({ ...l, light, due, returned }, today) };
}

/** Of several lights, the worst (red before yellow before green); green for none. */
export function worst(lights: Iterable<Light>): Light {
  let w: Light = 'green';
  for (const l of lights) if (LIGHT_ORDER[l] < LIGHT_ORDER[w]) w = l;
  return w;
}

/**
 * An item done after its due date, recently enough to call its part "已恢复": how many working
 * days late it was done, else undefined.
 */
export function recoveredLate(
  rules: LightRules,
  today: string,
  o: Pick<ObligationRecord, 'status' | 'doneAt' | 'due' | 'action'>,
): number | undefined {
  if (o.status !== 'fulfilled' || !o.doneAt) return undefined;
  const done = shanghaiDate(new Date(o.doneAt));
  if (done <= o.due) return undefined;
  if (rules.calendar.workingDaysBetween(done, today) > rules.policy.lights.recoveredForWorkingDays) return undefined;
  return rules.calendar.workingDaysBetween(o.due, done);
}
