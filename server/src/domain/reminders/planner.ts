import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Person } from '../../../../shared/schemas/person.js';
import type { Reminder, ReminderItem, ReminderPlan } from '../../../../shared/schemas/reminders.js';
import type { Task } from '../../../../shared/schemas/task.js';
import { shanghaiDate, shanghaiMinutes, parseHhmm } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../store/state.js';
import { includedTasks, obligationsFor, planYears, type Obligation } from './obligations.js';
import type { ReminderPolicy } from './policy.js';

export type { Reminder, ReminderItem, TodoCreate } from '../../../../shared/schemas/reminders.js';
export type PlanResult = ReminderPlan;
type Stage = ReminderItem['stage'];

interface Template extends Omit<Obligation, 'id' | 'assignmentId' | 'unitId'> {
  stage: Stage | null;
  workingDays: number;
  level: 1 | 2 | 3;
}

function stageOf(calendar: WorkCalendar, policy: ReminderPolicy, today: string, o: Omit<Obligation, 'id' | 'assignmentId' | 'unitId'>): { stage: Stage | null; workingDays: number; level: 1 | 2 | 3 } {
  const none = { stage: null, workingDays: 0, level: 1 as const };
  if (today < o.opensOn) return none;
  if (o.kind === 'acknowledge' && today === o.opensOn) return { stage: 'new', workingDays: calendar.workingDaysBetween(today, o.due), level: 1 };
  const left = calendar.workingDaysBetween(today, o.due);
  if (left > 0) return policy.nudges.beforeWorkingDays.includes(left) ? { stage: 'before', workingDays: left, level: 1 } : none;
  if (left === 0) return { stage: 'due', workingDays: 0, level: 1 };
  const od = -left;
  const { leaderAfterOverdueWorkingDays: l2, supervisorAfterOverdueWorkingDays: l3 } = policy.escalation;
  const level = od >= l3 ? 3 : od >= l2 ? 2 : 1;
  const remindToday = od === 1 || (od - 1) % policy.overdue.everyWorkingDays === 0 || od === l2 || od === l3;
  return remindToday ? { stage: 'overdue', workingDays: od, level } : none;
}

/**
 * Works out who must hear what today: a pure function of the stored state, the calendar, the
 * policy and the time. Only working days, only from the digest time to the end of working hours,
 * only people who still owe something; at most one digest and one escalation digest per person.
 */
export function planReminders(state: Readonly<State>, calendar: WorkCalendar, policy: ReminderPolicy, now: Date): PlanResult {
  const date = shanghaiDate(now);
  const info = calendar.info(date);
  const result: PlanResult = { at: now.toISOString(), date, workingDay: info.working, dayName: info.name, reminders: [], todoCreates: [], warnings: [] };
  if (info.source === 'guess') {
    result.skipped = `没有 ${date.slice(0, 4)} 年的节假日数据,不发送提醒(请补充 seeds/holidays/${date.slice(0, 4)}.json)`;
    result.warnings.push(result.skipped);
    return result;
  }
  if (!info.working) return { ...result, skipped: `${info.name},非工作日` };
  const minutes = shanghaiMinutes(now);
  if (minutes < parseHhmm(policy.digestTime) || minutes > parseHhmm(policy.workingHours.end)) return { ...result, skipped: `不在发送时间(${policy.digestTime}–${policy.workingHours.end})` };

  const year = Number(date.slice(0, 4));
  const unitName = new Map(state.units.map((u) => [u.id, u.name]));
  const byUnit = new Map<string, { contacts: Person[]; leaders: Person[] }>();
  for (const p of state.people) {
    for (const u of p.unitIds) {
      let entry = byUnit.get(u);
      if (!entry) byUnit.set(u, (entry = { contacts: [], leaders: [] }));
      if (p.roles.includes('contact')) entry.contacts.push(p);
      if (p.roles.includes('leader')) entry.leaders.push(p);
    }
  }
  const supervisors = state.people.filter((p) => p.roles.includes('supervisor'));
  const digests = new Map<string, Reminder>();
  const warned = new Set<string>();
  const push = (person: Person, kind: Reminder['kind'], as: Reminder['as'], item: ReminderItem): void => {
    const key = `notice:${kind}:${person.id}:${date}`;
    let r = digests.get(key);
    if (!r) {
      r = { key, kind, date, personId: person.id, personName: person.name, userId: person.dingtalk.userId, ...(person.dingtalk.unionId ? { unionId: person.dingtalk.unionId } : {}), as, level: 1, items: [], reasons: [] };
      digests.set(key, r);
    }
    if (!r.items.some((i) => i.obligationId === item.obligationId)) r.items.push(item);
    r.level = Math.max(r.level, item.level) as 1 | 2 | 3;
  };

  for (const plan of state.plans) {
    const span = planYears(plan);
    const years = [year - 1, year].filter((y) => y >= span.from);
    const prose = state.obligations.filter((o) => o.planId === plan.id);
    const ctx = { plan, calendar, policy, prose };
    const tasks = new Map(includedTasks(state.tasks, plan.id, policy).map((t) => [t.id, t]));
    const assignments = state.assignments.filter((a) => a.status === 'active' && tasks.has(a.taskId));
    const templates = new Map<string, Template[]>();
    const templatesFor = (task: Task, a: Assignment): Template[] => {
      const cacheKey = `${task.id}|${a.role}`;
      let list = templates.get(cacheKey);
      if (!list) {
        list = years.flatMap((y) => obligationsFor(ctx, task, { ...a, id: '' }, y)).map((o) => ({ ...o, ...stageOf(calendar, policy, date, o) }));
        list = list.filter((t) => t.stage !== null && (t.year === year || t.stage === 'overdue'));
        templates.set(cacheKey, list);
      }
      return list;
    };
    for (const a of assignments) {
      const task = tasks.get(a.taskId)!;
      const due = templatesFor(task, a);
      if (due.length === 0) continue;
      const people = byUnit.get(a.unitId);
      const first = people?.contacts.length ? people.contacts : (people?.leaders ?? []);
      if (first.length === 0) {
        if (!warned.has(a.unitId)) result.warnings.push(`${unitName.get(a.unitId) ?? a.unitId} 没有联络员或分管领导,提醒无人接收`);
        warned.add(a.unitId);
        continue;
      }
      for (const t of due) {
        const obligationId = `${a.id}:${t.year}:${t.kind}${t.period ? `:${t.period}` : ''}`;
        if (state.fulfillments[obligationId]) continue;
        const item: ReminderItem = {
          obligationId,
          assignmentId: a.id,
          taskId: task.id,
          taskNumber: task.number,
          taskKind: task.kind,
          taskTitle: task.title,
          unitId: a.unitId,
          unitName: unitName.get(a.unitId) ?? a.unitId,
          kind: t.kind,
          label: t.label,
          due: t.due,
          stage: t.stage!,
          workingDays: t.workingDays,
          level: t.level,
        };
        for (const p of first) {
          push(p, 'digest', 'contact', item);
          const todoKey = `${obligationId}|${p.id}`;
          if (policy.todo.enabled && p.dingtalk.unionId && !state.todos[todoKey] && !result.todoCreates.some((c) => c.key === todoKey)) {
            result.todoCreates.push({ key: todoKey, obligationId, personId: p.id, unionId: p.dingtalk.unionId, subject: `${item.label}:${task.kind === 'key' ? '重点任务' : '任务'}${task.number} ${task.title}`.slice(0, 200), due: t.due, taskId: task.id });
          }
        }
        if (item.level >= 2) for (const l of people?.leaders ?? []) if (!first.includes(l)) push(l, 'escalation', 'leader', item);
        if (item.level >= 3) for (const s of supervisors) push(s, 'escalation', 'supervisor', item);
      }
    }
  }
  result.reminders = [...digests.values()].sort((a, b) => a.key.localeCompare(b.key));
  for (const r of result.reminders) {
    r.items.sort((x, y) => y.level - x.level || x.due.localeCompare(y.due) || x.taskNumber - y.taskNumber);
    const stages = new Set(r.items.map((i) => i.stage));
    if (stages.has('overdue')) r.reasons.push('有逾期事项');
    if (stages.has('due')) r.reasons.push('今日到期');
    if (stages.has('before')) r.reasons.push('即将到期');
    if (stages.has('new')) r.reasons.push('新任务待签收');
  }
  return result;
}
