import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Task } from '../../../../shared/schemas/task.js';
import type { Reminder, ReminderItem, ReminderPlan, TodoCreate } from '../../../../shared/schemas/reminders.js';
import { shanghaiDate, shanghaiMinutes, parseHhmm, toDay } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../store/state.js';
import type { ObligationRecord } from '../../../../shared/schemas/obligation.js';
import type { ReminderPolicy } from './policy.js';
import { obligationListsOf } from '../obligations/obligation-book.js';
import { accountOn, handleOf, type Person } from '../../../../shared/schemas/person.js';
import { perObject } from '../../../../shared/per-object.js';
import { Smallest } from './smallest.js';

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

/** A person's 待办 (the obligations under each) for a deadline first — where its parts usually are — then the rest. */
type Coverage = (d: Deadline) => { mine: ReadonlyArray<ReadonlySet<string>>; rest: ReadonlyArray<ReadonlySet<string>> };

/**
 * The obligations each person already has a 待办 for (one 待办 may cover several units' parts, or
 * a batch of 签收), as the sets of that person's 待办 (a few: one per deadline). An obligation is
 * looked for in the 待办 of its deadline (named by the 待办's key) first, then in the others (its
 * dates may have moved since). One map of every obligation under a 待办 (~7×10⁵ in a province's
 * steady state) cost a quarter of the plan; looking through all of a person's 待办 for every
 * item, a fifth.
 */
function todoCoverage(todos: Readonly<State['todos']>): (personId: string) => Coverage {
  const byPerson = new Map<string, Array<{ base: string | undefined; set: ReadonlySet<string> }>>();
  for (const [key, t] of Object.entries(todos)) {
    // `${deadline}|${personId}`, `+n` for a later part of the same deadline
    const at = key.lastIndexOf(`|${t.personId}`);
    const tail = at < 0 ? '' : key.slice(at + t.personId.length + 1);
    const base = at >= 0 && /^(\+\d+)?$/.test(tail) ? key.slice(0, at) : undefined;
    const entry = { base, set: obligationsOfTodo(t) };
    const mine = byPerson.get(t.personId);
    if (mine) mine.push(entry);
    else byPerson.set(t.personId, [entry]);
  }
  const none = { mine: [], rest: [] };
  const of = new Map<string, Coverage>();
  return (personId) => {
    let c = of.get(personId);
    if (!c) {
      const list = byPerson.get(personId) ?? [];
      const known = new Map<Deadline, ReturnType<Coverage>>();
      c = (d) => {
        if (list.length === 0) return none;
        let sets = known.get(d);
        if (!sets) {
          const key = deadlineKey(d);
          sets = {
            mine: list.filter((e) => e.base === key).map((e) => e.set),
            rest: list.filter((e) => e.base !== key).map((e) => e.set),
          };
          known.set(d, sets);
        }
        return sets;
      };
      of.set(personId, c);
    }
    return c;
  };
}

/** Each assignment's position in the state's list, kept while the list is the same (it changes on an import). */
const assignmentPositions = perObject((list: readonly Assignment[]) => new Map(list.map((a, i) => [a.id, i])));

/** A deadline as 待办 group it: parts of one kind and label that open and fall due on the same days. */
interface Deadline {
  kind: ObligationRecord['kind'];
  label: string;
  opensOn: string;
  due: string;
}

/** How a 待办's key names its deadline (then `|${personId}`). */
const deadlineKey = (d: Deadline): string => `${d.kind}|${d.label}|${d.opensOn}|${d.due}`;

/** What a person was reminded of and has no 待办 for yet, for one deadline (items in the order read). */
interface TodoWanted {
  deadline: Deadline;
  person: Person;
  items: ReminderItem[];
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
function groupTodos(
  wanted: readonly TodoWanted[],
  existing: Readonly<State['todos']>,
  /** key tasks before measures, then by number, as one integer ≥ 0 */
  taskOrder: (i: ReminderItem) => number,
): TodoCreate[] {
  const out: TodoCreate[] = [];
  // a task's name and line, made once (a province's first day lists each task thousands of times)
  const names = new Map<string, { name: string; line: string }>();
  const namesOf = (i: ReminderItem): { name: string; line: string } => {
    let n = names.get(i.taskId);
    if (!n) names.set(i.taskId, (n = { name: taskName(i), line: `${taskName(i)} ${i.taskTitle}` }));
    return n;
  };
  for (const g of wanted) {
    const d = g.deadline;
    // parts that arrive after their deadline's 待办 was made (a unit named later) get a 待办 of their own
    const base = `${deadlineKey(d)}|${g.person.id}`;
    let key = base;
    for (let n = 2; existing[key]; n += 1) key = `${base}+${n}`;
    // usually read in task order already
    const items = g.items.every((x, n) => n === 0 || taskOrder(g.items[n - 1]!) <= taskOrder(x))
      ? g.items
      : stableSort(g.items, taskOrder);
    const first = items[0]!;
    const units = items.every((x) => x.unitId === first.unitId) ? first.unitName : unitsOf(items);
    // each task once: its parts are together (the order is by task), among tasks of the same number
    const tasks: ReminderItem[] = [];
    for (const i of items) {
      let j = tasks.length - 1;
      while (j >= 0 && tasks[j]!.taskId !== i.taskId && taskOrder(tasks[j]!) === taskOrder(i)) j -= 1;
      if (j < 0 || tasks[j]!.taskId !== i.taskId) tasks.push(i);
    }
    // the same deadline comes back every year: the year tells this year's 待办 from last year's
    const year = first.due.slice(0, 4);
    const label =
      first.kind === 'acknowledge'
        ? `${year}年度签收`
        : `${/\d{4}年/.test(first.label) ? '' : `${year}年`}${first.label}`;
    const subject =
      tasks.length > 1
        ? `${label} ${tasks.length} 项任务(${units}):${tasks.map((i) => namesOf(i).name).join('、')}`
        : `${label}:${namesOf(first).line}(${units})`;
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
              .map((i) => namesOf(i).line)
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

type Staged = { stage: Stage | null; workingDays: number; level: 1 | 2 | 3 };

/** A due date of today's records: its stage and place in the order (worked out once) and its deadlines. */
interface DueSlot {
  /** days since 1970: what orders records by due date, as one integer */
  day: number;
  staged?: Staged;
  /** the stage of a 签收 that opens today */
  fresh?: Staged;
  /** the deadlines (what a 待办 groups) falling due that day */
  deadlines: Deadline[];
}

/** Per unit: who hears of it, what it has open today (我的任务's rule: this year's opened, last year's overdue) and today's items. */
interface UnitDay {
  id: string;
  name: string;
  /** its contacts, or its leaders where it has none */
  first: Person[];
  leaders: Person[];
  total: number;
  overdue: number;
  /**
   * its most urgent open records (by place in the order), of those not among today's items — what
   * its contacts' digests list as "also open" — and of all (for one who hears of the unit without
   * being one of `first`: a leader who is also another unit's contact); the rest are only counted
   */
  rest: Smallest<ObligationRecord>;
  all?: Smallest<ObligationRecord>;
  /** today's items in the order read, with each one's place in the order, in the day's reading, and its deadline */
  items: ReminderItem[];
  itemKeys: number[];
  itemSeqs: number[];
  itemDeadlines: Deadline[];
  /** the stages of its items, by level (a bit per stage) */
  stagesAt: [number, number, number, number];
  /** with 待办 on: for each of `first`, the sets of obligations under their 待办 (null: no DingTalk unionId) */
  coverageOf?: Array<Coverage | null>;
  /** items someone of `first` has no 待办 for: who (position in `first`) and which (position in `items`) */
  wantedBy: number[];
  wantedItem: number[];
}

/** Some of a unit's items (positions in its `items`, in its order) and the stages among them (a bit each). */
type Part = { u: UnitDay; at: readonly number[]; stages: number };

/** How many of a person's other open records a digest carries (it shows the first few of them). */
const ALSO = 50;

const STAGES: readonly Stage[] = ['overdue', 'due', 'before', 'new'];
const stageBit = (stage: Stage): number => 1 << STAGES.indexOf(stage);

/**
 * Parts as one list in their order (ties in the order read); an item in two parts (a 督考办 member
 * who also leads a unit) once.
 */
function merged(parts: readonly Part[]): ReminderItem[] {
  if (parts.length === 1) return parts[0]!.at.map((i) => parts[0]!.u.items[i]!);
  const all: Array<{ item: ReminderItem; key: number; seq: number }> = [];
  for (const { u, at } of parts)
    for (const i of at) all.push({ item: u.items[i]!, key: u.itemKeys[i]!, seq: u.itemSeqs[i]! });
  all.sort((x, y) => x.key - y.key || x.seq - y.seq);
  const out: ReminderItem[] = [];
  for (let i = 0; i < all.length; i += 1) if (i === 0 || all[i]!.seq !== all[i - 1]!.seq) out.push(all[i]!.item);
  return out;
}

/** How many of `list`'s first elements pass `test` (all of them up to the first that does not). */
function prefix<T>(list: readonly T[], test: (t: T) => boolean): number {
  let n = 0;
  while (n < list.length && test(list[n]!)) n += 1;
  return n;
}

/** Why the digest: the stages its items are at (a bit each, in STAGES' order). */
function reasonsOf(stages: number): string[] {
  const words = ['有逾期事项', '今日到期', '即将到期', '新任务待签收'];
  return words.filter((_, i) => stages & (1 << i));
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
        first: people?.contacts.length ? people.contacts : (people?.leaders ?? []),
        leaders: people?.leaders ?? [],
        total: 0,
        overdue: 0,
        rest: new Smallest(ALSO),
        items: [],
        itemKeys: [],
        itemSeqs: [],
        itemDeadlines: [],
        stagesAt: [0, 0, 0, 0],
        wantedBy: [],
        wantedItem: [],
      };
      if (coverage) u.coverageOf = u.first.map((p) => (accountOn(p, 'dingtalk')?.unionId ? coverage(p.id) : null));
      // someone told of this unit's open records without being one of `first` (see the "also" lists)
      const first = u.first;
      if (
        [...(people?.contacts ?? []), ...(people?.leaders ?? [])].some(
          (p) => !first.includes(p) && p.unitIds.length > 1,
        )
      )
        u.all = new Smallest(ALSO);
      unitDays.set(unitId, u);
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
  let seq = 0;
  /**
   * Makes an opened record one of its unit's items if today is a day to remind of it (its stage);
   * its deadline and who has no 待办 for it yet are worked out while the record is at hand (looked
   * up again later, each is a cache miss).
   */
  const itemOf = (o: ObligationRecord, a: Assignment, task: Task, u: UnitDay, slot: DueSlot, key: number): boolean => {
    const st =
      o.kind === 'acknowledge' && date === o.opensOn
        ? (slot.fresh ??= stageOf(calendar, policy, date, o))
        : (slot.staged ??= stageOf(calendar, policy, date, o));
    if (st.stage === null || (o.year !== year && st.stage !== 'overdue')) return false;
    if (u.first.length === 0) {
      if (!warned.has(u.id)) result.warnings.push(`${u.name} 没有联络员或分管领导,提醒无人接收`);
      warned.add(u.id);
      return false;
    }
    u.items.push({
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
    });
    const deadline = deadlineOf(slot, o);
    u.itemKeys.push((3 - st.level) * levelStep + key);
    u.itemSeqs.push(seq);
    u.itemDeadlines.push(deadline);
    u.stagesAt[st.level] |= stageBit(st.stage);
    seq += 1;
    if (u.coverageOf)
      for (let k = 0; k < u.coverageOf.length; k += 1) {
        const coverageOf = u.coverageOf[k];
        if (!coverageOf) continue; // no DingTalk unionId: no 待办
        const { mine, rest } = coverageOf(deadline);
        let covered = false;
        for (const set of mine) if ((covered = set.has(o.id))) break;
        if (!covered) for (const set of rest) if ((covered = set.has(o.id))) break;
        if (!covered) {
          u.wantedBy.push(k);
          u.wantedItem.push(u.items.length - 1);
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
      const item = opened && itemOf(o, a, task, day!, slot, key);
      if (live) {
        c.all?.offer(key, o);
        // one of today's items is not "also" open for that unit's contacts
        if (!(item && c === day)) c.rest.offer(key, o);
      }
    }

  // who hears what: a unit's contacts (or leaders where it has none) its items; its other leaders
  // what is overdue long enough (level 2); the 督考办 what is overdue longest (level 3)
  const digestOf = new Map<Person, Part[]>();
  const escalationOf = new Map<Person, { parts: Part[]; leader: boolean }>();
  const severe: Part[] = [];
  for (const u of unitDays.values()) {
    if (u.items.length === 0) continue;
    const order = stableSort(
      u.itemKeys.map((_, i) => i),
      (i) => u.itemKeys[i]!,
    );
    const [, one, two, three] = u.stagesAt;
    const all: Part = { u, at: order, stages: one | two | three };
    for (const p of u.first) digestOf.set(p, [...(digestOf.get(p) ?? []), all]);
    if (u.items[order[0]!]!.level < 2) continue;
    // the order puts higher levels first: what leaders and the 督考办 hear is where it starts
    const from = (level: number): number[] =>
      order.slice(
        0,
        prefix(order, (i) => u.items[i]!.level >= level),
      );
    const escalated: Part = { u, at: from(2), stages: two | three };
    for (const l of u.leaders)
      if (!u.first.includes(l) && escalateTo(l)) {
        const mine = escalationOf.get(l);
        if (mine) mine.parts.push(escalated);
        else escalationOf.set(l, { parts: [escalated], leader: true });
      }
    if (supervisors.length > 0 && three !== 0) severe.push({ u, at: from(3), stages: three });
  }
  if (severe.length > 0)
    for (const s of supervisors) {
      const mine = escalationOf.get(s);
      if (mine) mine.parts.push(...severe);
      else escalationOf.set(s, { parts: [...severe], leader: false });
    }
  const reminder = (person: Person, kind: Reminder['kind'], as: Reminder['as'], parts: readonly Part[]): Reminder => {
    const items = merged(parts);
    const unionId = accountOn(person, 'dingtalk')?.unionId;
    return {
      key: `notice:${kind}:${person.id}:${date}`,
      kind,
      date,
      personId: person.id,
      personName: person.name,
      userId: handleOf(person),
      ...(unionId ? { unionId } : {}),
      as,
      // the most urgent first: the first item's level is the highest
      level: items[0]!.level,
      items,
      reasons: reasonsOf(parts.reduce((bits, p) => bits | p.stages, 0)),
    };
  };
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0); // code-unit order: fast and stable
  const reminders: Reminder[] = [];
  const digests: Array<{ r: Reminder; person: Person }> = [];
  for (const [person, parts] of digestOf) {
    const r = reminder(person, 'digest', 'contact', parts);
    digests.push({ r, person });
    reminders.push(r);
  }
  for (const [person, { parts, leader }] of escalationOf)
    // one who leads a unit and sits in the 督考办 is told as its leader: the drill-down for the
    // leader's threshold lists everything the digest does
    reminders.push(reminder(person, 'escalation', leader ? 'leader' : 'supervisor', parts));
  result.reminders = reminders.sort((x, y) => cmp(x.key, y.key));

  // 待办 for what a unit's contacts were reminded of and have no 待办 for: per person and deadline,
  // in the order first read (and the unit's order of its contacts)
  if (coverage) {
    type Wanted = TodoWanted & { seqs: number[]; from: number; pos: number };
    const wanted = new Map<Person, Map<Deadline, Wanted>>();
    const all: Wanted[] = [];
    for (const u of unitDays.values())
      for (let k = 0; k < u.wantedBy.length; k += 1) {
        const [pos, i] = [u.wantedBy[k]!, u.wantedItem[k]!];
        const p = u.first[pos]!;
        let mine = wanted.get(p);
        if (!mine) wanted.set(p, (mine = new Map()));
        const [item, d, s] = [u.items[i]!, u.itemDeadlines[i]!, u.itemSeqs[i]!];
        const w = mine.get(d);
        if (!w) {
          const fresh: Wanted = { deadline: d, person: p, items: [item], seqs: [s], from: s, pos };
          mine.set(d, fresh);
          all.push(fresh);
        } else {
          w.items.push(item);
          w.seqs.push(s);
          if (s < w.from) [w.from, w.pos] = [s, pos];
        }
      }
    for (const w of all)
      // parts of two units: in the order read
      if (w.seqs.some((s, i) => i > 0 && s < w.seqs[i - 1]!)) {
        const order = w.seqs.map((s, i) => [s, i] as const).sort((x, y) => x[0] - y[0]);
        w.items = order.map(([, i]) => w.items[i]!);
      }
    all.sort((x, y) => x.from - y.from || x.pos - y.pos);
    result.todoCreates = groupTodos(all, state.todos, (i) => (i.taskKind === 'key' ? 0 : numbers) + i.taskNumber - low);
  }

  // "also open" lists: each unit's most urgent open records not listed already, 50 in all
  const workingDaysTo = new Map<number, number>();
  const alsoItem = (u: UnitDay, o: ObligationRecord, key: number): ReminderItem => {
    const t = tasks.get(o.taskId)!;
    const dueDay = Math.floor(key / numbers);
    let l = workingDaysTo.get(dueDay);
    if (l === undefined) workingDaysTo.set(dueDay, (l = calendar.workingDaysBetween(date, o.due)));
    return {
      obligationId: o.id,
      assignmentId: o.assignmentId,
      taskId: t.id,
      taskNumber: t.number,
      taskKind: t.kind,
      taskTitle: t.title,
      unitId: o.unitId,
      unitName: u.name,
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
  for (const { r, person } of digests) {
    const days = person.unitIds.flatMap((id) => {
      const u = unitDays.get(id);
      return u ? [u] : [];
    });
    const open = { total: 0, overdue: 0 };
    for (const u of days) [open.total, open.overdue] = [open.total + u.total, open.overdue + u.overdue];
    r.open = open;
    let also: ReminderItem[];
    if (days.length === 1 && days[0]!.first.includes(person)) {
      const u = days[0]!;
      let shared = sharedAlso.get(u);
      if (!shared) sharedAlso.set(u, (shared = u.rest.sorted().map(({ key, value }) => alsoItem(u, value, key))));
      also = shared;
    } else {
      // of a unit whose items the digest lists, the rest; of another (led, not answered for), all
      const listed = new Set(r.items.map((i) => i.obligationId));
      const all = days.flatMap((u) =>
        (u.first.includes(person) ? u.rest : u.all!).sorted().map(({ key, value }) => ({ u, key, value })),
      );
      const candidates = days.length === 1 ? all : stableSort(all, (x) => x.key);
      also = [];
      for (const { u, key, value } of candidates) {
        if (also.length === ALSO) break;
        if (!listed.has(value.id)) also.push(alsoItem(u, value, key));
      }
    }
    if (also.length > 0) r.also = also;
  }
  return result;
}
