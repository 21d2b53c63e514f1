import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Task } from '../../../../shared/schemas/task.js';
import type { Reminder, ReminderItem, ReminderPlan, TodoCreate } from '../../../../shared/schemas/reminders.js';
import { shanghaiDate, shanghaiMinutes, parseHhmm } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../store/state.js';
import type { ObligationRecord } from '../../../../shared/schemas/obligation.js';
import type { ReminderPolicy } from './policy.js';
import { obligationListsOf } from '../obligations/obligation-book.js';
import { accountOn, handleOf, type Person } from '../../../../shared/schemas/person.js';
import { perObject } from '../../../../shared/per-object.js';

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

/** Each 待办's obligations as a set, made when first asked (a 待办's parts do not change once it is made). */
const obligationsOfTodo = perObject((t: State['todos'][string]) => new Set(t.obligationIds));

/**
 * Whether a person already has a 待办 for an obligation (one 待办 may cover several units' parts,
 * or a batch of 签收): looked for among that person's 待办 (a few: one per deadline). One map of
 * every obligation under a 待办 (~7×10⁵ in a province's steady state) cost a quarter of the plan.
 */
function todoCoverage(todos: Readonly<State['todos']>): (personId: string, obligationId: string) => boolean {
  const byPerson = new Map<string, Array<State['todos'][string]>>();
  for (const t of Object.values(todos)) {
    const mine = byPerson.get(t.personId);
    if (mine) mine.push(t);
    else byPerson.set(t.personId, [t]);
  }
  return (personId, id) => byPerson.get(personId)?.some((t) => obligationsOfTodo(t).has(id)) ?? false;
}

/** Each assignment's position in the state's list, kept while the list is the same (it changes on an import). */
const assignmentPositions = perObject((list: readonly Assignment[]) => new Map(list.map((a, i) => [a.id, i])));

/** What people were reminded of and have no 待办 for yet, by deadline and person. */
type TodoWanted = Map<string, { person: Person; items: ReminderItem[] }>;

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
function groupTodos(groups: TodoWanted, existing: Readonly<State['todos']>): TodoCreate[] {
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
      unionId: accountOn(g.person, 'dingtalk')!.unionId!,
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

const peopleById = perObject((people: readonly Person[]) => new Map(people.map((p) => [p.id, p])));

/**
 * `list` ordered by `key`, an exact non-negative integer (ties kept in list order). Keys below 2^31
 * are packed with their position into one typed array and sorted without a comparator (~10× faster
 * on a province's lists); larger ones (thousands of due dates × task numbers) take a comparator.
 */
export function stableSort<T>(list: readonly T[], key: (t: T, i: number) => number): T[] {
  const n = list.length;
  if (n < 2) return [...list];
  const keys = new Float64Array(n);
  let packed = n < 2 ** 21;
  for (let i = 0; i < n; i += 1) {
    const k = key(list[i]!, i);
    if (!(k < 2 ** 31)) packed = false;
    keys[i] = k * 2 ** 21 + i;
  }
  if (!packed) {
    const raw = list.map((t, i) => ({ t, k: key(t, i), i }));
    raw.sort((x, y) => x.k - y.k || x.i - y.i);
    return raw.map((x) => x.t);
  }
  keys.sort();
  const out = new Array<T>(n);
  for (let i = 0; i < n; i += 1) out[i] = list[keys[i]! % 2 ** 21]!;
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
  const units = new Map(state.units.map((u) => [u.id, u]));
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
  const covered = policy.todo.enabled ? todoCoverage(state.todos) : undefined;
  const todoWanted: TodoWanted = new Map();
  // at most one digest and one escalation digest per person
  const digests = new Map<Person, Reminder>();
  const escalations = new Map<Person, Reminder>();
  const reminderOf = (person: Person, kind: Reminder['kind'], as: Reminder['as']): Reminder => {
    const mine = kind === 'digest' ? digests : escalations;
    let r = mine.get(person);
    if (!r) {
      r = {
        key: `notice:${kind}:${person.id}:${date}`,
        kind,
        date,
        personId: person.id,
        personName: person.name,
        userId: handleOf(person),
        ...(accountOn(person, 'dingtalk')?.unionId ? { unionId: accountOn(person, 'dingtalk')!.unionId! } : {}),
        as,
        level: 1,
        items: [],
        reasons: [],
      };
      mine.set(person, r);
    }
    return r;
  };
  // each item belongs to one assignment and reaches each person once: no duplicates to check
  const add = (r: Reminder, item: ReminderItem): void => {
    r.items.push(item);
    if (item.level > r.level) r.level = item.level;
  };

  /** Per unit: who hears of it, and what it has open today (我的任务's rule: this year's opened, last year's overdue). */
  interface UnitDay {
    id: string;
    name: string;
    /** its contacts, or its leaders where it has none */
    first: Person[];
    leaders: Person[];
    total: number;
    overdue: number;
    /** the open records, in the order read; `itemised[i]`: records[i] is one of today's items */
    records: ObligationRecord[];
    numbers: number[];
    itemised: boolean[];
  }
  const unitDays = new Map<string, UnitDay>();
  const unitDay = (unitId: string): UnitDay => {
    let u = unitDays.get(unitId);
    if (!u) {
      const people = byUnit.get(unitId);
      u = {
        id: unitId,
        name: units.get(unitId)?.name ?? unitId,
        first: people?.contacts.length ? people.contacts : (people?.leaders ?? []),
        leaders: people?.leaders ?? [],
        total: 0,
        overdue: 0,
        records: [],
        numbers: [],
        itemised: [],
      };
      unitDays.set(unitId, u);
    }
    return u;
  };
  const tasks = new Map(state.tasks.map((t) => [t.id, t]));
  const assignments = state.assignments;
  const assignmentAt = assignmentPositions(assignments);
  let cursor = -1;
  // A stage depends on the kind and the dates only: worked out once per due date (and 签收 opening today)
  type Staged = { stage: Stage | null; workingDays: number; level: 1 | 2 | 3 };
  const byDue = new Map<string, Staged>();
  const ackNew = new Map<string, Staged>();
  const dues = new Set<string>();
  const warned = new Set<string>();
  // Stored obligations of this year and last year's still open. Records of one assignment are
  // stored together: what depends on the assignment is looked up when it changes.
  let assignmentId = '';
  let a: Assignment | undefined;
  let task: Task | undefined;
  let day: UnitDay | undefined;
  let unitOfRecord: UnitDay | undefined;
  for (const list of obligationListsOf(state, { calendar, policy }, [year - 1, year]))
    for (const o of list) {
      if (o.status !== 'open') continue;
      if (o.assignmentId !== assignmentId) {
        assignmentId = o.assignmentId;
        // records are stored in the order of the assignments they were made for: usually the next one
        const next = assignments[cursor + 1];
        cursor = next?.id === assignmentId ? cursor + 1 : (assignmentAt.get(assignmentId) ?? -1);
        a = assignments[cursor];
        if (a?.status !== 'active') a = undefined;
        task = tasks.get(o.taskId);
        day = a && unitDay(a.unitId);
        unitOfRecord = undefined;
      }
      if (!a) continue;
      if (task?.id !== o.taskId) task = tasks.get(o.taskId);
      const live = o.year === year ? o.opensOn <= date : o.due < date;
      let at = -1;
      if (live) {
        if (unitOfRecord?.id !== o.unitId) unitOfRecord = o.unitId === day!.id ? day! : unitDay(o.unitId);
        const c = unitOfRecord;
        c.total += 1;
        if (o.due < date) c.overdue += 1;
        if (task) {
          at = c.records.length;
          c.records.push(o);
          c.numbers.push(task.number);
          c.itemised.push(false);
          dues.add(o.due);
        }
      }
      if (!task || date < o.opensOn) continue;
      let st: Staged | undefined;
      if (o.kind === 'acknowledge' && date === o.opensOn) {
        st = ackNew.get(o.due);
        if (!st) ackNew.set(o.due, (st = stageOf(calendar, policy, date, o)));
      } else {
        st = byDue.get(o.due);
        if (!st) byDue.set(o.due, (st = stageOf(calendar, policy, date, o)));
      }
      if (st.stage === null || (o.year !== year && st.stage !== 'overdue')) continue;
      const u = day!;
      if (u.first.length === 0) {
        if (!warned.has(u.id)) result.warnings.push(`${u.name} 没有联络员或分管领导,提醒无人接收`);
        warned.add(u.id);
        continue;
      }
      if (at >= 0 && unitOfRecord === u) u.itemised[at] = true;
      dues.add(o.due);
      const item: ReminderItem = {
        obligationId: o.id,
        assignmentId: a.id,
        taskId: task.id,
        taskNumber: task.number,
        taskKind: task.kind,
        taskTitle: task.title,
        unitId: a.unitId,
        unitName: u.name,
        kind: o.kind,
        label: o.label,
        due: o.due,
        stage: st.stage,
        workingDays: st.workingDays,
        level: st.level,
      };
      for (const p of u.first) {
        add(reminderOf(p, 'digest', 'contact'), item);
        if (covered && accountOn(p, 'dingtalk')?.unionId && !covered(p.id, o.id)) {
          const key = `${o.kind}|${o.label}|${o.opensOn}|${o.due}|${p.id}`;
          const g = todoWanted.get(key);
          if (g) g.items.push(item);
          else todoWanted.set(key, { person: p, items: [item] });
        }
      }
      if (item.level >= 2)
        for (const l of u.leaders)
          if (!u.first.includes(l) && escalateTo(l)) add(reminderOf(l, 'escalation', 'leader'), item);
      if (item.level >= 3) for (const s of supervisors) add(reminderOf(s, 'escalation', 'supervisor'), item);
    }
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0); // code-unit order: fast and stable
  result.todoCreates = groupTodos(todoWanted, state.todos);
  result.reminders = [...digests.values(), ...escalations.values()].sort((x, y) => cmp(x.key, y.key));

  // Orders by due date, then task number (then as read), as one exact integer per record: due
  // dates by rank, task numbers from the smallest
  const rank = new Map([...dues].sort().map((d, i) => [d, i]));
  let low = 0;
  let high = 0;
  for (const t of state.tasks) [low, high] = [Math.min(low, t.number), Math.max(high, t.number)];
  const numbers = high - low + 1;
  const order = (due: string, number: number): number => rank.get(due)! * numbers + number - low;
  const levelStep = rank.size * numbers;
  // "also open" lists: each unit's open records in that order; a digest takes the first 50 it does
  // not already list, and only those become items
  const sortedOf = (u: UnitDay, rest: boolean): ObligationRecord[] => {
    const at: number[] = [];
    for (let i = 0; i < u.records.length; i += 1) if (!rest || !u.itemised[i]) at.push(i);
    return stableSort(at, (i) => order(u.records[i]!.due, u.numbers[i]!)).map((i) => u.records[i]!);
  };
  const daysLeft = new Map<string, number>();
  const left = (due: string): number => {
    let n = daysLeft.get(due);
    if (n === undefined) daysLeft.set(due, (n = calendar.workingDaysBetween(date, due)));
    return n;
  };
  const alsoItem = (o: ObligationRecord): ReminderItem => {
    const t = tasks.get(o.taskId)!;
    const l = left(o.due);
    return {
      obligationId: o.id,
      assignmentId: o.assignmentId,
      taskId: t.id,
      taskNumber: t.number,
      taskKind: t.kind,
      taskTitle: t.title,
      unitId: o.unitId,
      unitName: units.get(o.unitId)?.name ?? o.unitId,
      kind: o.kind,
      label: o.label,
      due: o.due,
      stage: l < 0 ? 'overdue' : l === 0 ? 'due' : 'before',
      workingDays: Math.abs(l),
      level: 1,
    };
  };
  // a unit's contacts share its list: what each of them is already told is the unit's items
  const sharedAlso = new Map<UnitDay, ReminderItem[]>();
  for (const r of digests.values()) {
    const mine = peopleById(state.people).get(r.personId);
    const days = (mine?.unitIds ?? []).flatMap((id) => {
      const u = unitDays.get(id);
      return u ? [u] : [];
    });
    const open = { total: 0, overdue: 0 };
    for (const u of days) [open.total, open.overdue] = [open.total + u.total, open.overdue + u.overdue];
    r.open = open;
    let also: ReminderItem[];
    if (days.length === 1 && days[0]!.first.some((p) => p.id === r.personId)) {
      const u = days[0]!;
      let shared = sharedAlso.get(u);
      if (!shared) sharedAlso.set(u, (shared = sortedOf(u, true).slice(0, 50).map(alsoItem)));
      also = shared;
    } else {
      const listed = new Set(r.items.map((i) => i.obligationId));
      const all = days.map((u) => sortedOf(u, false)).flat();
      const candidates = days.length === 1 ? all : stableSort(all, (o) => order(o.due, tasks.get(o.taskId)!.number));
      also = [];
      for (const o of candidates) {
        if (also.length === 50) break;
        if (!listed.has(o.id)) also.push(alsoItem(o));
      }
    }
    if (also.length > 0) r.also = also;
  }
  for (const r of result.reminders) {
    // most urgent first: level, then due date, then task number
    r.items = stableSort(r.items, (i) => (3 - i.level) * levelStep + order(i.due, i.taskNumber));
    let overdue = false;
    let due = false;
    let before = false;
    let fresh = false;
    for (const i of r.items) {
      if (i.stage === 'overdue') overdue = true;
      else if (i.stage === 'due') due = true;
      else if (i.stage === 'before') before = true;
      else if (i.stage === 'new') fresh = true;
    }
    if (overdue) r.reasons.push('有逾期事项');
    if (due) r.reasons.push('今日到期');
    if (before) r.reasons.push('即将到期');
    if (fresh) r.reasons.push('新任务待签收');
  }
  return result;
}
