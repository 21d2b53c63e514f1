import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Plan, ProseObligation } from '../../../../shared/schemas/plan.js';
import type { Task } from '../../../../shared/schemas/task.js';
import { fromDay, parseHhmm, shanghaiDate, shanghaiMinutes, toDay } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../model/state.js';
import type { ReminderPolicy } from '../policy/policy.js';

import type { ObligationKind } from '../../../../shared/schemas/reminders.js';

export type { ObligationKind };

/** Something a unit owes for a task in one year's cycle, with its due date. */
export interface Obligation {
  /** `${assignmentId}:${year}:${kind}[:${period}]` — stable, so fulfilment and 待办 survive re-planning. */
  id: string;
  assignmentId: string;
  taskId: string;
  unitId: string;
  year: number;
  kind: ObligationKind;
  period?: string;
  /** 签收 / 第一季度进展 / 年中督查报告 … */
  label: string;
  /** First day it may be reminded of. */
  opensOn: string;
  /** Due date, moved back to a working day when it falls on a holiday or weekend. */
  due: string;
}

export interface ObligationContext {
  plan: Plan;
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  prose: readonly ProseObligation[];
  /** Added by the 督考办 (state.manualObligations of this plan). */
  manual?: readonly State['manualObligations'][number][];
  /** When the plan first arrived (imported): nothing is owed for its year before then. */
  importedAt?: Date;
}

/** The context for one plan's obligations, taken from the state. */
export function obligationContext(
  state: Readonly<State>,
  plan: Plan,
  calendar: WorkCalendar,
  policy: ReminderPolicy,
): ObligationContext {
  const importedAt = importedAtOf(state, plan.id);
  return {
    plan,
    calendar,
    policy,
    prose: state.proseObligations.filter((o) => o.planId === plan.id),
    manual: state.manualObligations.filter((m) => m.planId === plan.id),
    ...(importedAt ? { importedAt } : {}),
  };
}

/** When a plan first arrived in this store, if it was imported. */
export function importedAtOf(state: Readonly<State>, planId: string): Date | undefined {
  const imported = state.imports.find((i) => i.planId === planId);
  const at = imported?.firstAt ?? imported?.at;
  return at ? new Date(at) : undefined;
}

const QUARTER_NAMES = ['', '第一季度', '第二季度', '第三季度', '第四季度'];

/** Years the plan covers: its period, else the year it was issued, else the year it was imported. */
export function planYears(plan: Plan, importedAt?: Date): { from: number; to: number } {
  const issued = plan.issuedOn ? Number(plan.issuedOn.slice(0, 4)) : undefined;
  const from = plan.period?.from ?? issued ?? Number(shanghaiDate(importedAt ?? new Date()).slice(0, 4));
  return { from: Math.max(from, issued ?? from), to: plan.period?.to ?? from };
}

/**
 * When a plan arriving `now` would first be reminded of: its first cycle's start (or, when it runs
 * already, the day it arrives); `ended` when its period is over (nothing will be owed); undefined
 * `from` when that year has no holiday data yet.
 */
export function firstReminderDay(
  plan: Plan,
  calendar: WorkCalendar,
  policy: ReminderPolicy,
  now: Date,
): { from?: string; ended: boolean } {
  const years = planYears(plan, now);
  const year = Number(shanghaiDate(now).slice(0, 4));
  if (year > years.to) return { ended: true };
  const y = Math.max(years.from, year);
  if (!calendar.hasYear(y)) return { ended: false };
  return { from: startOf({ plan, calendar, policy, importedAt: now }, y), ended: false };
}

/** First working day of a year's cycle: the day after the plan was issued in its first year, else 1 January. */
export function cycleStart(plan: Plan, year: number, calendar: WorkCalendar): string {
  if (plan.issuedOn && Number(plan.issuedOn.slice(0, 4)) === year)
    return calendar.nextWorkingDay(fromDay(toDay(plan.issuedOn) + 1));
  return calendar.nextWorkingDay(`${year}-01-01`);
}

/**
 * The first day of a year's cycle for this plan: the cycle's start, or — for a plan that arrived
 * later that year — the day it was imported (when that day's digest is still to come) or the next
 * working day. What fell due before then is not owed; the year's 签收 is asked for from then.
 */
export function startOf(
  ctx: Pick<ObligationContext, 'plan' | 'calendar' | 'policy' | 'importedAt'>,
  year: number,
): string {
  const start = cycleStart(ctx.plan, year, ctx.calendar);
  if (!ctx.importedAt) return start;
  const day = shanghaiDate(ctx.importedAt);
  if (Number(day.slice(0, 4)) !== year) return start;
  const beforeDigest =
    ctx.calendar.isWorkingDay(day) && shanghaiMinutes(ctx.importedAt) <= parseHhmm(ctx.policy.digestTime);
  const arrived = beforeDigest ? day : ctx.calendar.nextWorkingDay(fromDay(toDay(day) + 1));
  return arrived > start ? arrived : start;
}

/** The tasks obligations are derived for: key tasks when the plan has any, else all (policy.taskKinds). */
export function includedTasks(
  tasks: readonly Task[],
  planId: string,
  policy: Pick<ReminderPolicy, 'taskKinds'>,
): Task[] {
  const mine = tasks.filter((t) => t.planId === planId);
  const kinds =
    policy.taskKinds === 'keyIfAny'
      ? mine.some((t) => t.kind === 'key')
        ? ['key']
        : ['measure', 'key']
      : policy.taskKinds;
  // a 领导批示件 is always chased: it is registered to be
  return mine.filter((t) => t.kind === 'instruction' || kinds.includes(t.kind));
}

const onOrBeforeWorkingDay = (calendar: WorkCalendar, date: string): string =>
  calendar.isWorkingDay(date) ? date : calendar.addWorkingDays(date, -1);

/**
 * A 领导批示件's items: its 签收 (in the year it was registered, from that day, due as the
 * registration set it) and its 办理时限; no periodic reports — it is a matter of days or weeks.
 */
function instructionItems(
  ctx: ObligationContext,
  task: Extract<Task, { kind: 'instruction' }>,
  assignment: Assignment,
  year: number,
): Obligation[] {
  const { calendar, policy } = ctx;
  const due = task.schedule.due;
  const out: Obligation[] = [];
  const item = (kind: ObligationKind, d: string, label: string, opensOn: string): Obligation => ({
    id: `${assignment.id}:${year}:${kind}`,
    assignmentId: assignment.id,
    taskId: task.id,
    unitId: assignment.unitId,
    year,
    kind,
    label,
    opensOn,
    due: onOrBeforeWorkingDay(calendar, d),
  });
  const from = task.registeredOn;
  if (Number(from.slice(0, 4)) === year) {
    const ack = calendar.addWorkingDays(calendar.isWorkingDay(from) ? from : calendar.nextWorkingDay(from), 1);
    out.push(item('acknowledge', due && due < ack ? due : ack, '签收', from));
  }
  if (due && Number(due.slice(0, 4)) === year) {
    const opens = calendar.addWorkingDays(
      onOrBeforeWorkingDay(calendar, due),
      -Math.max(0, ...policy.nudges.beforeWorkingDays),
    );
    out.push(item('deadline', due, `办理时限(${task.schedule.text})`, opens < from ? from : opens));
  }
  for (const m of ctx.manual ?? []) {
    if (m.taskId !== task.id || Number(m.due.slice(0, 4)) !== year) continue;
    if (m.unitIds && !m.unitIds.includes(assignment.unitId)) continue;
    out.push({
      ...item('manual', m.due, m.label, m.opensOn ?? from),
      id: `${assignment.id}:${year}:manual:${m.id}`,
      period: m.id,
    });
  }
  return out;
}

/** The obligations of one assignment in one year (empty outside the task's cycle). */
export function obligationsFor(ctx: ObligationContext, task: Task, assignment: Assignment, year: number): Obligation[] {
  const { plan, calendar, policy } = ctx;
  const years = planYears(plan, ctx.importedAt);
  const schedule = task.schedule;
  const taskDue = schedule.type === 'deadline' && schedule.due ? schedule.due : undefined;
  const lastYear = taskDue
    ? Math.max(Number(taskDue.slice(0, 4)), years.from)
    : schedule.type === 'oneOff'
      ? years.from
      : years.to;
  if (year < years.from || year > lastYear) return [];

  if (task.kind === 'instruction') return instructionItems(ctx, task, assignment, year);
  const start = startOf(ctx, year);
  const maxNudge = Math.max(0, ...policy.nudges.beforeWorkingDays);
  const out: Obligation[] = [];
  const add = (kind: ObligationKind, rawDue: string, label: string, period?: string, opensOn?: string): void => {
    if (rawDue <= start && kind !== 'acknowledge') return;
    const due = onOrBeforeWorkingDay(calendar, rawDue);
    const earliest = calendar.addWorkingDays(due, -maxNudge);
    out.push({
      id: `${assignment.id}:${year}:${kind}${period ? `:${period}` : ''}`,
      assignmentId: assignment.id,
      taskId: task.id,
      unitId: assignment.unitId,
      year,
      kind,
      ...(period ? { period } : {}),
      label,
      opensOn:
        opensOn !== undefined && opensOn < due
          ? opensOn
          : kind === 'acknowledge' || earliest < start
            ? start
            : earliest,
      due,
    });
  };

  add('acknowledge', calendar.addWorkingDays(start, policy.acknowledge.withinWorkingDays), '签收');
  const mid = `${year}-${policy.midYear.due}`;
  const end = `${year}-${policy.yearEnd.due}`;
  const before = (d: string): boolean => !taskDue || d < taskDue;

  if (schedule.type === 'oneOff') {
    if (before(mid)) add('midYear', mid, policy.midYear.label);
    add('completion', end, '完成情况报告');
  } else {
    if (schedule.type !== 'superior' && schedule.type !== 'asNeeded') {
      const finalYear = taskDue && Number(taskDue.slice(0, 4)) === year;
      const every = finalYear ? policy.progress.finalYearEvery : policy.progress.every;
      const months = every === 'quarter' ? [3, 9] : [1, 2, 3, 4, 5, 7, 8, 9, 10, 11];
      for (const m of months) {
        const due = `${year}-${String(m).padStart(2, '0')}-${String(policy.progress.dueDay).padStart(2, '0')}`;
        if (!before(due)) continue;
        if (every === 'quarter') add('progress', due, `${QUARTER_NAMES[m / 3]}进展`, `Q${m / 3}`);
        else add('progress', due, `${m}月进展`, `M${String(m).padStart(2, '0')}`);
      }
    }
    if (before(mid)) add('midYear', mid, policy.midYear.label);
    if (before(end)) add('yearEnd', end, policy.yearEnd.label);
    // the document's dated steps before the deadline, each an item of its own (5月底前动工)
    schedule.milestones?.forEach((m, k) => {
      if (Number(m.due.slice(0, 4)) === year && before(m.due)) add('deadline', m.due, `节点(${m.text})`, `N${k + 1}`);
    });
    if (taskDue && Number(taskDue.slice(0, 4)) === year) add('deadline', taskDue, `完成时限(${schedule.text})`);
  }

  for (const m of ctx.manual ?? []) {
    if (m.taskId !== task.id || Number(m.due.slice(0, 4)) !== year) continue;
    if (m.unitIds && !m.unitIds.includes(assignment.unitId)) continue;
    add('manual', m.due, m.label, m.id, m.opensOn);
  }
  for (const p of ctx.prose) {
    if (Number(p.due.slice(0, 4)) !== year) continue;
    const applies =
      p.appliesTo === 'allAssigned' ||
      (p.appliesTo === 'keyTaskLeads' && task.kind === 'key' && assignment.role === 'lead');
    if (applies) add('prose', p.due, p.what, p.id.split('.').at(-1));
  }
  return out.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
