/**
 * When an item is told of, and how loudly: its stage today (new, before, due, overdue) and its
 * level (1 the unit, 2 its leader, 3 the 督考办), from the working calendar and the policy; and
 * the day's gate (no plan on a day off, before the hour, after the plan's end). Pure rules, read
 * in one screen, tested alone (tests/domain/stages.test.ts); the engine (planner.ts) applies them
 * to every open record.
 */
import type { ReminderItem, ReminderPlan } from '../../../../shared/schemas/reminders.js';
import { shanghaiDate, shanghaiMinutes, parseHhmm } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { ReminderPolicy } from '../policy/policy.js';

export type PlanResult = ReminderPlan;
export type Stage = ReminderItem['stage'];

/**
 * An item's stage on `today`: a 签收 the day it opens is new; before its due date, only on the
 * policy's nudge days (N working days before); due on its last working day; overdue on the first
 * overdue working day, then every `overdue.everyWorkingDays`, and on the days it escalates. Its
 * level: 2 (the unit's leader too) from `leaderAfterOverdueWorkingDays`, 3 (the 督考办) from
 * `supervisorAfterOverdueWorkingDays`. `stage: null` — not a day to tell of it.
 */
export function stageOf(
  calendar: WorkCalendar,
  policy: ReminderPolicy,
  today: string,
  o: Pick<ObligationRecord, 'kind' | 'opensOn' | 'due'>,
): { stage: Stage | null; workingDays: number; level: 1 | 2 | 3 } {
  const none = { stage: null, workingDays: 0, level: 1 as const };
  if (today < o.opensOn) return none;
  if (o.kind === 'acknowledge' && today === o.opensOn)
    return { stage: 'new', workingDays: calendar.workingDaysBetween(today, o.due), level: 1 };
  const left = calendar.workingDaysBetween(today, o.due);
  if (left > 0)
    return policy.nudges.beforeWorkingDays.includes(left) ? { stage: 'before', workingDays: left, level: 1 } : none;
  if (left === 0) return { stage: 'due', workingDays: 0, level: 1 };
  const od = -left;
  const { leaderAfterOverdueWorkingDays: l2, supervisorAfterOverdueWorkingDays: l3 } = policy.escalation;
  const level = od >= l3 ? 3 : od >= l2 ? 2 : 1;
  const remindToday = od === 1 || (od - 1) % policy.overdue.everyWorkingDays === 0 || od === l2 || od === l3;
  return remindToday ? { stage: 'overdue', workingDays: od, level } : none;
}

export type Staged = { stage: Stage | null; workingDays: number; level: 1 | 2 | 3 };

/** Whether an item at `staged` is told of today: this year's at any stage, last year's only while overdue. */
export function toldToday(staged: Staged, recordYear: number, year: number): staged is Staged & { stage: Stage } {
  return staged.stage !== null && (recordYear === year || staged.stage === 'overdue');
}

export const STAGES: readonly Stage[] = ['overdue', 'due', 'before', 'new'];
export const stageBit = (stage: Stage): number => 1 << STAGES.indexOf(stage);

/** Why the digest: the stages its items are at (a bit each, in STAGES' order). */
export function reasonsOf(stages: number): string[] {
  const words = ['有逾期事项', '今日到期', '即将到期', '新任务待签收'];
  return words.filter((_, i) => stages & (1 << i));
}

/**
 * The day's plan, empty: on a day with no holiday data, a day off, or outside the sending hours it
 * says why (`skipped`) and nothing is planned.
 */
export function dayOf(calendar: WorkCalendar, policy: ReminderPolicy, now: Date): PlanResult {
  const date = shanghaiDate(now);
  const info = calendar.info(date);
  const result: PlanResult = {
    at: now.toISOString(),
    date,
    workingDay: info.working,
    dayName: info.name,
    reminders: [],
    todoCreates: [],
    warnings: [],
  };
  if (info.source === 'guess') {
    result.skipped = `没有 ${date.slice(0, 4)} 年的节假日数据,不发送提醒(请督考办在"工作日历"中粘贴国务院放假安排通知补充)`;
    result.warnings.push(result.skipped);
    return result;
  }
  if (!info.working) return { ...result, skipped: `${info.name},非工作日` };
  const minutes = shanghaiMinutes(now);
  if (minutes < parseHhmm(policy.digestTime) || minutes > parseHhmm(policy.workingHours.end))
    return { ...result, skipped: `不在发送时间(${policy.digestTime}–${policy.workingHours.end})` };

  return result;
}
