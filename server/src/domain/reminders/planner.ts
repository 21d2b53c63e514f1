import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Task } from '../../../../shared/schemas/task.js';
import type { Reminder, ReminderItem } from '../../../../shared/schemas/reminders.js';
import { toDay } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../model/state.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { ReminderPolicy } from '../policy/policy.js';
import { chasedListsOf, planTags } from '../obligations/obligation-book.js';
import { todoUnionId, handleOf, type Person } from '../../../../shared/schemas/person.js';
import { perObject } from '../../model/per-object.js';
import { Smallest } from './smallest.js';
import { escalatesTo, firstHearers, peopleByUnit, whoHears, type Part as RecipientPart } from './recipients.js';
import { dayOf, reasonsOf, stageBit, stageOf, toldToday, type PlanResult, type Stage, type Staged } from './stages.js';
import { Items, stableSort, type Deadline, type DueSlot, type UnitDay } from './columns.js';
import { groupTodos, todoCoverage, type TodoWanted } from './todos.js';

import { lazyMember, registerView, urgencyRank, type ReminderView } from './reminder-view.js';

export type { Reminder, ReminderItem, TodoCreate } from '../../../../shared/schemas/reminders.js';
export type { PlanResult } from './stages.js';
export { stableSort } from './columns.js';

/** Each assignment's position in the state's list, kept while the list is the same (it changes on an import). */
const assignmentPositions = perObject((list: readonly Assignment[]) => new Map(list.map((a, i) => [a.id, i])));

type Part = RecipientPart<UnitDay>;

/** How many of a person's other open records a digest carries (it shows the first few of them). */
const ALSO = 50;

/**
 * Parts as one list in their order (ties in the order read); an item in two parts (a 督考办 member
 * who also leads a unit) once.
 */
function merged(items: Items, parts: readonly Part[]): readonly number[] {
  if (parts.length === 1) return parts[0]!.at;
  const all = parts.flatMap((p) => p.at);
  all.sort((x, y) => items.key(x) - items.key(y) || x - y);
  return all.filter((i, k) => k === 0 || i !== all[k - 1]);
}

/** A record of `unit` as a reminder's item. */
function itemOfRecord(
  o: ObligationRecord,
  t: Task,
  unit: Pick<UnitDay, 'id' | 'name'>,
  stage: Stage,
  workingDays: number,
  level: ReminderItem['level'],
): ReminderItem {
  return {
    obligationId: o.id,
    assignmentId: o.assignmentId,
    taskId: t.id,
    taskNumber: t.number,
    taskKind: t.kind,
    taskTitle: t.title,
    unitId: unit.id,
    unitName: unit.name,
    kind: o.kind,
    label: o.label,
    due: o.due,
    stage,
    workingDays,
    level,
    // a unit asked to sign for a task with a deadline is told the deadline (and its milestones) too
    ...(stage === 'new' && t.schedule.type === 'deadline' && t.schedule.due
      ? { taskDates: { due: t.schedule.due, milestones: (t.schedule.milestones ?? []).map((m) => m.due) } }
      : {}),
  };
}

/**
 * Works out who must hear what today: a pure function of the stored state (its obligations), the calendar, the
 * policy and the time. Only working days, only from the digest time to the end of working hours,
 * only people who still owe something; at most one digest and one escalation digest per person.
 *
 * One reading of the open records gives each unit its day — what it has open and today's items,
 * each with its place in the order as one integer — and the rest is per unit: a unit's people
 * share its sorted items and its "also open" list. A province's day (1.6M records, 6,000 units) is
 * about one pass over the records and the objects the plan hands back; little else is allocated,
 * since at that size the garbage collector's copying of what survives costs as much as the work.
 */
// eslint-disable-next-line max-lines-per-function -- the columnar engine: its closures share typed arrays and the day's indexes, read once per record of a province's 1.6M; who hears what is recipients.ts, the gate dayOf()
export function planReminders(
  state: Readonly<State>,
  calendar: WorkCalendar,
  policy: ReminderPolicy,
  now: Date,
): PlanResult {
  const result = dayOf(calendar, policy, now);
  if (result.skipped !== undefined) return result;
  const date = result.date;

  const year = Number(date.slice(0, 4));
  const units = new Map(state.units.map((u) => [u.id, u]));
  const byUnit = peopleByUnit(state.people);
  const supervisors = state.people.filter((p) => p.roles.includes('supervisor'));
  const escalateTo = escalatesTo(state, policy);

  // The order of records, as one integer: due date (days since 1970), then task number from the
  // smallest; of items, level (highest first) before that. Exact integers, sorted without a comparator.
  let low = 0;
  let high = 0;
  for (const t of state.tasks) [low, high] = [Math.min(low, t.number), Math.max(high, t.number)];
  const numbers = high - low + 1;
  const levelStep = 200_000 * numbers; // beyond any day number (year 2500)

  const coverage = policy.todo.enabled ? todoCoverage(state.todos) : undefined;
  const unitDays = new Map<string, UnitDay>();
  const unitDay = (unitId: string): UnitDay => {
    let u = unitDays.get(unitId);
    if (!u) {
      const people = byUnit.get(unitId);
      u = {
        id: unitId,
        name: units.get(unitId)?.name ?? unitId,
        first: firstHearers(people),
        leaders: people?.leaders ?? [],
        total: 0,
        overdue: 0,
        rest: new Smallest(ALSO),
        index: unitList.length,
        count: 0,
        start: 0,
        stagesAt: [0, 0, 0, 0],
      };
      if (coverage) u.coverageOf = u.first.map((p) => (todoUnionId(p) ? coverage(p.id) : null));
      // someone told of this unit's open records without being one of `first` (see the "also" lists)
      const first = u.first;
      if (
        [...(people?.contacts ?? []), ...(people?.leaders ?? [])].some(
          (p) => !first.includes(p) && p.unitIds.length > 1,
        )
      )
        u.all = new Smallest(ALSO);
      unitDays.set(unitId, u);
      unitList.push(u);
    }
    return u;
  };
  const slots = new Map<string, DueSlot>();
  const slotOf = (due: string): DueSlot => {
    let s = slots.get(due);
    if (!s) slots.set(due, (s = { day: toDay(due), deadlines: [] }));
    return s;
  };
  const deadlineOf = (slot: DueSlot, o: ObligationRecord): Deadline => {
    for (const d of slot.deadlines) if (d.kind === o.kind && d.label === o.label && d.opensOn === o.opensOn) return d;
    const d: Deadline = { kind: o.kind, label: o.label, opensOn: o.opensOn, due: o.due };
    slot.deadlines.push(d);
    return d;
  };
  const tasks = new Map(state.tasks.map((t) => [t.id, t]));
  const assignments = state.assignments;
  const assignmentAt = assignmentPositions(assignments);
  let cursor = -1;
  const warned = new Set<string>();
  const unitList: UnitDay[] = [];
  // what is still chased: not of a plan whose period has ended, nor of a year whose 考评 is final
  const lists = chasedListsOf(state, { calendar, policy }, [year - 1, year], date);
  const items = new Items(lists, unitList, state.tasks.length, 3 * levelStep);
  const taskAt = new Map(state.tasks.map((t, k) => [t, k]));
  const taskOf = (i: number): Task => state.tasks[items.task(i)]!;
  /** a 签收 that opens today has a stage of its own (see `DueSlot.fresh`) */
  const opensToday = (o: ObligationRecord): boolean => o.kind === 'acknowledge' && date === o.opensOn;
  /** a record's stage today (worked out once per due date, when it was read) */
  const stagedOf = (o: ObligationRecord): Staged => {
    const slot = slots.get(o.due)!;
    return (opensToday(o) ? slot.fresh : slot.staged)!;
  };
  /**
   * Makes an opened record one of its unit's items if today is a day to remind of it (its stage);
   * who has no 待办 for it yet is worked out while the record is at hand (looked up again later,
   * each is a cache miss).
   */
  const itemOf = (
    o: ObligationRecord,
    list: number,
    at: number,
    task: number,
    u: UnitDay,
    slot: DueSlot,
    key: number,
  ): boolean => {
    const st = opensToday(o)
      ? (slot.fresh ??= stageOf(calendar, policy, date, o))
      : (slot.staged ??= stageOf(calendar, policy, date, o));
    if (!toldToday(st, o.year, year)) return false;
    if (u.first.length === 0) {
      if (!warned.has(u.id)) result.warnings.push(`${u.name} 没有联络员或分管领导,提醒无人接收`);
      warned.add(u.id);
      return false;
    }
    const item = items.push(list, at, u, (3 - st.level) * levelStep + key, st, task);
    u.count += 1;
    u.stagesAt[st.level] |= stageBit(st.stage);
    let deadline: Deadline | undefined;
    if (u.coverageOf)
      for (let k = 0; k < u.coverageOf.length; k += 1) {
        const coverageOf = u.coverageOf[k];
        if (!coverageOf) continue; // no DingTalk unionId: no 待办
        const { mine, rest } = coverageOf((deadline ??= deadlineOf(slot, o)));
        let covered = false;
        for (const set of mine) if ((covered = set.has(o.id))) break;
        if (!covered) for (const set of rest) if ((covered = set.has(o.id))) break;
        if (!covered) {
          items.want(k, item);
        }
      }
    return true;
  };
  // Stored obligations of this year and last year's still open. Records of one assignment are
  // stored together, and share its task and unit: what depends on them is looked up when the
  // assignment changes (a province's 1.6M records are read as few times as they can be: the walk
  // is bound by fetching them from memory).
  const today = toDay(date);
  let assignmentId = '';
  let a: Assignment | undefined;
  let task: Task | undefined;
  let taskK = -1;
  let day: UnitDay | undefined;
  let unitOfRecord: UnitDay | undefined;
  for (let l = 0; l < lists.length; l += 1)
    for (let at = 0, list = lists[l]!; at < list.length; at += 1) {
      const o = list[at]!;
      if (o.status !== 'open') continue;
      if (o.assignmentId !== assignmentId) {
        assignmentId = o.assignmentId;
        // records are stored in the order of the assignments they were made for: usually the next one
        const next = assignments[cursor + 1];
        cursor = next?.id === assignmentId ? cursor + 1 : (assignmentAt.get(assignmentId) ?? -1);
        a = assignments[cursor];
        if (a?.status !== 'active') a = undefined;
        task = tasks.get(o.taskId);
        taskK = task ? taskAt.get(task)! : -1;
        day = a && unitDay(a.unitId);
        unitOfRecord = a && (o.unitId === a.unitId ? day : unitDay(o.unitId));
      }
      if (!a) continue;
      const opened = o.opensOn <= date;
      // this year's not open yet, last year's not overdue: neither counted nor reminded of
      if (!opened && (o.year === year || !(o.due < date))) continue;
      const slot = slotOf(o.due);
      const overdue = slot.day < today;
      const live = o.year === year ? opened : overdue;
      const c = unitOfRecord!;
      if (live) {
        c.total += 1;
        if (overdue) c.overdue += 1;
      }
      if (!task) continue;
      const key = slot.day * numbers + task.number - low;
      const item = opened && itemOf(o, l, at, taskK, day!, slot, key);
      if (live) {
        c.all?.offer(key, o);
        // one of today's items is not "also" open for that unit's contacts
        if (!(item && c === day)) c.rest.offer(key, o);
      }
    }

  // who hears what (recipients.ts)
  const { digestOf, escalationOf } = whoHears<Person, UnitDay>(
    (fn) =>
      items.forEachUnit((u, mine) =>
        fn(
          u,
          stableSort(mine, (i) => items.key(i)),
        ),
      ),
    (i) => items.level(i),
    supervisors,
    escalateTo,
  );

  // Items are made only when read: the day's run reads a reminder through its view (counts, ids,
  // the lines its digest shows); a province's 1.2M items would otherwise be most of the plan's cost.
  const made = new Map<number, ReminderItem>();
  const itemAt = (i: number): ReminderItem => {
    let item = made.get(i);
    if (!item) {
      const o = items.record(i);
      const st = stagedOf(o);
      item = itemOfRecord(o, taskOf(i), items.unit(i), st.stage!, st.workingDays, st.level);
      made.set(i, item);
    }
    return item;
  };
  const idsOf = (at: readonly number[]): string[] => at.map((i) => items.record(i).id);
  const taskIdsOf = (at: readonly number[]): string[] => [...new Set(at.map(taskOf))].map((t) => t.id);

  // "also open" lists: a unit's most urgent open records not listed already, 50 in all
  const workingDaysTo = new Map<number, number>();
  const alsoDays = (o: ObligationRecord, key: number): number => {
    const dueDay = Math.floor(key / numbers);
    let l = workingDaysTo.get(dueDay);
    if (l === undefined) workingDaysTo.set(dueDay, (l = calendar.workingDaysBetween(date, o.due)));
    return l;
  };
  const alsoStage = (l: number): Stage => (l < 0 ? 'overdue' : l === 0 ? 'due' : 'before');
  // the unit whose list it is is the record's (see `unitOfRecord`)
  const alsoItem = (u: UnitDay, o: ObligationRecord, key: number): ReminderItem => {
    const l = alsoDays(o, key);
    return itemOfRecord(o, tasks.get(o.taskId)!, u, alsoStage(l), Math.abs(l), 1);
  };
  /** A digest's "also" list: records of units' lists, each with its place in the order; made into items once. */
  type AlsoRefs = { units: UnitDay[]; keys: number[]; records: ObligationRecord[]; items?: ReminderItem[] };
  const alsoItems = (also: AlsoRefs): ReminderItem[] =>
    (also.items ??= also.records.map((o, k) => alsoItem(also.units[k]!, o, also.keys[k]!)));
  // a unit's contacts share its list: what each of them is already told is the unit's items
  const sharedAlso = new Map<UnitDay, AlsoRefs>();
  const alsoOf = (person: Person, days: readonly UnitDay[], at: readonly number[]): AlsoRefs => {
    if (days.length === 1 && days[0]!.first.includes(person)) {
      const u = days[0]!;
      let shared = sharedAlso.get(u);
      if (!shared) {
        const { keys, values } = u.rest.sortedColumns();
        sharedAlso.set(u, (shared = { units: keys.map(() => u), keys, records: values }));
      }
      return shared;
    }
    // of a unit whose items the digest lists, the rest; of another (led, not answered for), all
    const listed = new Set(idsOf(at));
    const all = days.flatMap((u) =>
      (u.first.includes(person) ? u.rest : u.all!).sorted().map(({ key, value }) => ({ u, key, value })),
    );
    const candidates = days.length === 1 ? all : stableSort(all, (x) => x.key);
    const also: AlsoRefs = { units: [], keys: [], records: [] };
    for (const { u, key, value } of candidates) {
      if (also.records.length === ALSO) break;
      if (listed.has(value.id)) continue;
      also.units.push(u);
      also.keys.push(key);
      also.records.push(value);
    }
    return also;
  };

  const viewOf = (at: readonly number[], part: Part | undefined, also: AlsoRefs | undefined): ReminderView => ({
    count: at.length,
    alsoCount: also?.records.length ?? 0,
    overdue: () => at.reduce((n, i) => (items.stage(i) === 'overdue' ? n + 1 : n), 0),
    obligationIds: () => (part ? (part.ids ??= idsOf(at)) : idsOf(at)),
    taskIds: () => (part ? (part.taskIds ??= taskIdsOf(at)) : taskIdsOf(at)),
    severalUnits: () => {
      const first = items.unit(at[0]!);
      return at.some((i) => items.unit(i) !== first) || (also?.units.some((u) => u !== first) ?? false);
    },
    // the digest's order (urgency, due date, task number; the items before the "also" list) as one
    // integer: a record's place in the order is its due day and task number already
    mostUrgent: (m) => {
      const n = at.length;
      const key = (k: number): number => {
        if (k < n) {
          const i = at[k]!;
          return urgencyRank(items.stage(i)) * levelStep + (items.key(i) % levelStep);
        }
        const [o, key] = [also!.records[k - n]!, also!.keys[k - n]!];
        return urgencyRank(alsoStage(alsoDays(o, key))) * levelStep + key;
      };
      const positions = Array.from({ length: n + (also?.records.length ?? 0) }, (_, k) => k);
      return stableSort(positions, key)
        .slice(0, m)
        .map((k) => (k < n ? itemAt(at[k]!) : alsoItems(also!)[k - n]!));
    },
  });

  const reminder = (
    person: Person,
    kind: Reminder['kind'],
    as: Reminder['as'],
    parts: readonly Part[],
    digestOf?: readonly UnitDay[],
  ): Reminder => {
    const at = merged(items, parts);
    const unionId = todoUnionId(person);
    const r = {
      key: `notice:${kind}:${person.id}:${date}`,
      kind,
      date,
      personId: person.id,
      personName: person.name,
      userId: handleOf(person),
      ...(unionId ? { unionId } : {}),
      as,
      // the most urgent first: the first item's level is the highest
      level: items.level(at[0]!),
    } as Reminder;
    lazyMember(r, 'items', () => at.map(itemAt));
    r.reasons = reasonsOf(parts.reduce((bits, p) => bits | p.stages, 0));
    let also: AlsoRefs | undefined;
    if (digestOf) {
      const open = { total: 0, overdue: 0 };
      for (const u of digestOf) [open.total, open.overdue] = [open.total + u.total, open.overdue + u.overdue];
      r.open = open;
      also = alsoOf(person, digestOf, at);
      if (also.records.length > 0) lazyMember(r, 'also', () => alsoItems(also!));
    }
    registerView(r, viewOf(at, parts.length === 1 ? parts[0] : undefined, also));
    return r;
  };
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0); // code-unit order: fast and stable
  const reminders: Reminder[] = [];
  for (const [person, parts] of digestOf) {
    const days = person.unitIds.flatMap((id) => {
      const u = unitDays.get(id);
      return u ? [u] : [];
    });
    reminders.push(reminder(person, 'digest', 'contact', parts, days));
  }
  for (const [person, { parts, leader }] of escalationOf)
    // one who leads a unit and sits in the 督考办 is told as its leader: the drill-down for the
    // leader's threshold lists everything the digest does
    reminders.push(reminder(person, 'escalation', leader ? 'leader' : 'supervisor', parts));
  result.reminders = reminders.sort((x, y) => cmp(x.key, y.key));

  // 待办 for what a unit's contacts were reminded of and have no 待办 for: per person and deadline,
  // in the order read (a person's first such item, then the unit's order of its contacts)
  if (coverage) {
    type Wanted = TodoWanted & { from: number; pos: number };
    const wanted = new Map<Person, Map<Deadline, Wanted>>();
    const all: Wanted[] = [];
    items.forEachWanted((pos, i) => {
      const p = items.unit(i).first[pos]!;
      let mine = wanted.get(p);
      if (!mine) wanted.set(p, (mine = new Map()));
      const o = items.record(i);
      const d = deadlineOf(slots.get(o.due)!, o);
      const w = mine.get(d);
      if (w) w.at.push(i);
      else {
        const fresh: Wanted = { deadline: d, person: p, at: [i], from: i, pos };
        mine.set(d, fresh);
        all.push(fresh);
      }
    });
    all.sort((x, y) => x.from - y.from || x.pos - y.pos);
    const tags = planTags(state, date);
    result.todoCreates = groupTodos(
      items,
      taskOf,
      all,
      state.todos,
      (t) => (t.kind === 'key' ? 0 : numbers) + t.number - low,
      tags && ((t) => tags.get(t.planId)),
    );
  }
  items.release();
  return result;
}
