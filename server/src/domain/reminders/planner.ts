import type { Person } from '../../../../shared/schemas/person.js';
import type { Reminder, ReminderItem, ReminderPlan, TodoCreate } from '../../../../shared/schemas/reminders.js';
import { shanghaiDate, shanghaiMinutes, parseHhmm } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../store/state.js';
import type { ObligationRecord } from '../../../../shared/schemas/obligation.js';
import type { ReminderPolicy } from './policy.js';
import { obligationsOf } from '../obligations/obligation-book.js';

export type { Reminder, ReminderItem, TodoCreate } from '../../../../shared/schemas/reminders.js';
export type PlanResult = ReminderPlan;
type Stage = ReminderItem['stage'];

function stageOf(
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

interface TodoWanted {
  person: Person;
  item: ReminderItem;
  opensOn: string;
}

const taskName = (i: Pick<ReminderItem, 'taskKind' | 'taskNumber'>): string =>
  `${i.taskKind === 'key' ? '重点任务' : '任务'}${i.taskNumber}`;
const unitsOf = (items: readonly ReminderItem[]): string => [...new Set(items.map((i) => i.unitName))].join('、');

/**
 * DingTalk 待办 for what people were reminded of and have no 待办 for yet: one per person and
 * deadline — what falls due together (a year's 签收, 11月20日's 专项工作计划 of eight tasks, a
 * quarter's 进展) is one 待办 listing its tasks and naming the unit(s), completed when every part
 * is done. DingTalk's 待办 list then reads as the person's deadlines, one row each: eleven
 * look-alike rows "签收:重点任务N" for what 全部签收 does in one tap would bury everything else.
 * A person who answers for two units' parts of the same item gets one 待办 for both. A single
 * task opens that task; several open 我的任务, which lists them.
 */
function groupTodos(wanted: readonly TodoWanted[], existing: Readonly<State['todos']>): TodoCreate[] {
  const groups = new Map<string, { person: Person; items: ReminderItem[] }>();
  for (const w of wanted) {
    const key = `${w.item.kind}|${w.item.label}|${w.opensOn}|${w.item.due}|${w.person.id}`;
    const g = groups.get(key) ?? { person: w.person, items: [] };
    g.items.push(w.item);
    groups.set(key, g);
  }
  const out: TodoCreate[] = [];
  for (const [base, g] of groups) {
    // parts that arrive after their deadline's 待办 was made (a unit named later) get a 待办 of their own
    let key = base;
    for (let n = 2; existing[key]; n += 1) key = `${base}+${n}`;
    const items = [...g.items].sort(
      (x, y) => (x.taskKind === y.taskKind ? 0 : x.taskKind === 'key' ? -1 : 1) || x.taskNumber - y.taskNumber,
    );
    const first = items[0]!;
    const units = unitsOf(items);
    const tasks = [...new Map(items.map((i) => [i.taskId, i])).values()];
    // the same deadline comes back every year: the year tells this year's 待办 from last year's
    const year = first.due.slice(0, 4);
    const label =
      first.kind === 'acknowledge'
        ? `${year}年度签收`
        : `${/\d{4}年/.test(first.label) ? '' : `${year}年`}${first.label}`;
    const subject =
      tasks.length > 1
        ? `${label} ${tasks.length} 项任务(${units}):${tasks.map(taskName).join('、')}`
        : `${label}:${taskName(first)} ${first.taskTitle}(${units})`;
    out.push({
      key,
      obligationIds: items.map((i) => i.obligationId),
      personId: g.person.id,
      unionId: g.person.dingtalk.unionId!,
      subject: subject.length > 200 ? `${subject.slice(0, 199)}…` : subject,
      // several tasks: the list, one per line (the title has room only for their numbers)
      ...(tasks.length > 1
        ? {
            description: tasks
              .map((i) => `${taskName(i)} ${i.taskTitle}`)
              .join('\n')
              .slice(0, 4000),
          }
        : {}),
      due: first.due,
      ...(tasks.length === 1 ? { taskId: first.taskId } : {}),
    });
  }
  return out;
}

/**
 * Works out who must hear what today: a pure function of the stored state (its obligations), the calendar, the
 * policy and the time. Only working days, only from the digest time to the end of working hours,
 * only people who still owe something; at most one digest and one escalation digest per person.
 */
export function planReminders(
  state: Readonly<State>,
  calendar: WorkCalendar,
  policy: ReminderPolicy,
  now: Date,
): PlanResult {
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
    result.skipped = `没有 ${date.slice(0, 4)} 年的节假日数据,不发送提醒(请补充 seeds/holidays/${date.slice(0, 4)}.json)`;
    result.warnings.push(result.skipped);
    return result;
  }
  if (!info.working) return { ...result, skipped: `${info.name},非工作日` };
  const minutes = shanghaiMinutes(now);
  if (minutes < parseHhmm(policy.digestTime) || minutes > parseHhmm(policy.workingHours.end))
    return { ...result, skipped: `不在发送时间(${policy.digestTime}–${policy.workingHours.end})` };

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
  // the 区长 leads 区政府党组 too: district leaders are not escalated to item by item (policy switch)
  const government = new Set(state.units.filter((u) => u.kind === 'government').map((u) => u.id));
  const districtLeader = (p: Person): boolean => p.roles.includes('leader') && p.unitIds.some((u) => government.has(u));
  const escalateTo = (p: Person): boolean => policy.escalation.districtLeaders || !districtLeader(p);
  const digests = new Map<string, Reminder>();
  // obligations a person already has a 待办 for (one 待办 may cover several units' parts, or a batch of 签收)
  const covered = new Set<string>();
  for (const t of Object.values(state.todos)) for (const id of t.obligationIds) covered.add(`${id}|${t.personId}`);
  const todoWanted: TodoWanted[] = [];
  const warned = new Set<string>();
  const push = (person: Person, kind: Reminder['kind'], as: Reminder['as'], item: ReminderItem): void => {
    const key = `notice:${kind}:${person.id}:${date}`;
    let r = digests.get(key);
    if (!r) {
      r = {
        key,
        kind,
        date,
        personId: person.id,
        personName: person.name,
        userId: person.dingtalk.userId,
        ...(person.dingtalk.unionId ? { unionId: person.dingtalk.unionId } : {}),
        as,
        level: 1,
        items: [],
        reasons: [],
      };
      digests.set(key, r);
    }
    // each item belongs to one assignment and reaches each person once: no duplicates to check
    r.items.push(item);
    r.level = Math.max(r.level, item.level) as 1 | 2 | 3;
  };

  // Stored obligations of this year and last year's still open; a stage depends only on the kind
  // and the dates, so it is worked out once per shape.
  const stages = new Map<string, { stage: Stage | null; workingDays: number; level: 1 | 2 | 3 }>();
  const tasks = new Map(state.tasks.map((t) => [t.id, t]));
  const assignments = new Map(state.assignments.map((a) => [a.id, a]));
  const assignmentsActive = new Set(state.assignments.filter((a) => a.status === 'active').map((a) => a.id));
  // what each unit has open today (我的任务's rule: this year's opened, last year's overdue), for the digests' headline
  const openByUnit = new Map<string, { total: number; overdue: number; records: ObligationRecord[] }>();
  for (const o of obligationsOf(state, { calendar, policy }, [year - 1, year])) {
    if (o.status !== 'open') continue;
    const live = o.year === year ? o.opensOn <= date : o.due < date;
    if (live && assignmentsActive.has(o.assignmentId)) {
      const c = openByUnit.get(o.unitId) ?? { total: 0, overdue: 0, records: [] };
      c.total += 1;
      if (o.due < date) c.overdue += 1;
      c.records.push(o);
      openByUnit.set(o.unitId, c);
    }
    const a = assignments.get(o.assignmentId);
    const task = tasks.get(o.taskId);
    if (!a || a.status !== 'active' || !task) continue;
    const shapeKey = `${o.kind}|${o.opensOn}|${o.due}`;
    let st = stages.get(shapeKey);
    if (!st) stages.set(shapeKey, (st = stageOf(calendar, policy, date, o)));
    if (st.stage === null || (o.year !== year && st.stage !== 'overdue')) continue;
    const people = byUnit.get(a.unitId);
    const first = people?.contacts.length ? people.contacts : (people?.leaders ?? []);
    if (first.length === 0) {
      if (!warned.has(a.unitId))
        result.warnings.push(`${unitName.get(a.unitId) ?? a.unitId} 没有联络员或分管领导,提醒无人接收`);
      warned.add(a.unitId);
      continue;
    }
    const item: ReminderItem = {
      obligationId: o.id,
      assignmentId: a.id,
      taskId: task.id,
      taskNumber: task.number,
      taskKind: task.kind,
      taskTitle: task.title,
      unitId: a.unitId,
      unitName: unitName.get(a.unitId) ?? a.unitId,
      kind: o.kind,
      label: o.label,
      due: o.due,
      stage: st.stage,
      workingDays: st.workingDays,
      level: st.level,
    };
    for (const p of first) {
      push(p, 'digest', 'contact', item);
      if (policy.todo.enabled && p.dingtalk.unionId && !covered.has(`${o.id}|${p.id}`))
        todoWanted.push({ person: p, item, opensOn: o.opensOn });
    }
    if (item.level >= 2)
      for (const l of people?.leaders ?? [])
        if (!first.includes(l) && escalateTo(l)) push(l, 'escalation', 'leader', item);
    if (item.level >= 3) for (const s of supervisors) push(s, 'escalation', 'supervisor', item);
  }
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0); // code-unit order: fast and stable
  result.todoCreates = groupTodos(todoWanted, state.todos);
  result.reminders = [...digests.values()].sort((a, b) => cmp(a.key, b.key));
  const people = new Map(state.people.map((p) => [p.id, p]));
  // "also open" lists: each unit's open records sorted once (by due, then task number); a digest
  // takes the first 50 it does not already list, and only those become items
  const number = (o: ObligationRecord): number => tasks.get(o.taskId)?.number ?? 0;
  const byDue = (x: ObligationRecord, y: ObligationRecord): number => cmp(x.due, y.due) || number(x) - number(y);
  for (const c of openByUnit.values()) c.records = c.records.filter((o) => tasks.has(o.taskId)).sort(byDue);
  const daysLeft = new Map<string, number>();
  const left = (due: string): number => {
    let n = daysLeft.get(due);
    if (n === undefined) daysLeft.set(due, (n = calendar.workingDaysBetween(date, due)));
    return n;
  };
  for (const r of result.reminders) {
    if (r.kind === 'digest') {
      const open = { total: 0, overdue: 0 };
      const listed = new Set(r.items.map((i) => i.obligationId));
      const units = (people.get(r.personId)?.unitIds ?? []).flatMap((u) => {
        const c = openByUnit.get(u);
        return c ? [c] : [];
      });
      for (const c of units) [open.total, open.overdue] = [open.total + c.total, open.overdue + c.overdue];
      const candidates = units.length === 1 ? units[0]!.records : units.flatMap((c) => c.records).sort(byDue);
      const also: ReminderItem[] = [];
      for (const o of candidates) {
        if (also.length === 50) break;
        if (listed.has(o.id)) continue;
        const task = tasks.get(o.taskId)!;
        const l = left(o.due);
        also.push({
          obligationId: o.id,
          assignmentId: o.assignmentId,
          taskId: task.id,
          taskNumber: task.number,
          taskKind: task.kind,
          taskTitle: task.title,
          unitId: o.unitId,
          unitName: unitName.get(o.unitId) ?? o.unitId,
          kind: o.kind,
          label: o.label,
          due: o.due,
          stage: l < 0 ? 'overdue' : l === 0 ? 'due' : 'before',
          workingDays: Math.abs(l),
          level: 1,
        });
      }
      r.open = open;
      if (also.length > 0) r.also = also;
    }
    r.items.sort((x, y) => y.level - x.level || cmp(x.due, y.due) || x.taskNumber - y.taskNumber);
    const stages = new Set(r.items.map((i) => i.stage));
    if (stages.has('overdue')) r.reasons.push('有逾期事项');
    if (stages.has('due')) r.reasons.push('今日到期');
    if (stages.has('before')) r.reasons.push('即将到期');
    if (stages.has('new')) r.reasons.push('新任务待签收');
  }
  return result;
}
