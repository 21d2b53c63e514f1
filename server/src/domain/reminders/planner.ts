import { taskLabel } from '../../../../shared/task-label.js';
import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Task } from '../../../../shared/schemas/task.js';
import type { Reminder, ReminderItem, ReminderPlan, TodoCreate } from '../../../../shared/schemas/reminders.js';
import { shanghaiDate, shanghaiMinutes, parseHhmm, toDay } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { State } from '../../model/state.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { ReminderPolicy } from '../policy/policy.js';
import { chasedListsOf, planTags } from '../obligations/obligation-book.js';
import { todoUnionId, handleOf, type Person } from '../../../../shared/schemas/person.js';
import { perObject } from '../../model/per-object.js';
import { Smallest } from './smallest.js';
import { escalatesTo, firstHearers, peopleByUnit, whoHears, type Part as RecipientPart } from './recipients.js';
import { lazyMember, registerView, urgencyRank, type ReminderView } from './reminder-view.js';

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

/** What a person was reminded of and has no 待办 for yet, for one deadline: the items (in `Items`), in the order read. */
interface TodoWanted {
  deadline: Deadline;
  person: Person;
  at: number[];
}

const taskName = (t: Pick<Task, 'kind' | 'number'>): string => taskLabel(t);

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
  items: Items,
  taskOf: (item: number) => Task,
  wanted: readonly TodoWanted[],
  existing: Readonly<State['todos']>,
  /** key tasks before measures, then by number, as one integer ≥ 0 */
  taskOrder: (t: Task) => number,
  /** Where several plans run at once: a task's plan's short name, which the 待办 names. */
  planTag?: (t: Task) => string | undefined,
): TodoCreate[] {
  const out: TodoCreate[] = [];
  // a task's name and line, made once (a province's first day lists each task thousands of times)
  const names = new Map<Task, { name: string; line: string }>();
  const namesOf = (t: Task): { name: string; line: string } => {
    let n = names.get(t);
    if (!n) names.set(t, (n = { name: taskName(t), line: `${taskName(t)} ${t.title}` }));
    return n;
  };
  // a list of tasks' names (as much of it as a subject shows) and lines, made once per list: a
  // province's first day has 18,000 待办 over a few hundred lists
  type Lists = { names?: string; lines?: string; next: Map<Task, Lists> };
  const lists: Lists = { next: new Map() };
  const listsOf = (tasks: readonly Task[]): Required<Lists> => {
    let node = lists;
    for (const t of tasks) {
      let next = node.next.get(t);
      if (!next) node.next.set(t, (next = { next: new Map() }));
      node = next;
    }
    node.names ??= tasks
      .map((t) => namesOf(t).name)
      .join('、')
      .slice(0, 200);
    node.lines ??= tasks
      .map((t) => namesOf(t).line)
      .join('\n')
      .slice(0, 4000);
    return node as Required<Lists>;
  };
  for (const g of wanted) {
    const d = g.deadline;
    // parts that arrive after their deadline's 待办 was made (a unit named later) get a 待办 of their own
    const base = `${deadlineKey(d)}|${g.person.id}`;
    let key = base;
    for (let n = 2; existing[key]; n += 1) key = `${base}+${n}`;
    const rank = (i: number): number => taskOrder(taskOf(i));
    // usually read in task order already
    const at = g.at.every((i, k) => k === 0 || rank(g.at[k - 1]!) <= rank(i)) ? g.at : stableSort(g.at, rank);
    const first = items.record(at[0]!);
    const firstUnit = items.unit(at[0]!);
    const units = at.every((i) => items.unit(i) === firstUnit)
      ? firstUnit.name
      : [...new Set(at.map((i) => items.unit(i).name))].join('、');
    // each task once: its parts are together (the order is by task), among tasks of the same number
    const tasks: Task[] = [];
    for (const i of at) {
      const t = taskOf(i);
      let j = tasks.length - 1;
      while (j >= 0 && tasks[j] !== t && taskOrder(tasks[j]!) === taskOrder(t)) j -= 1;
      if (j < 0 || tasks[j] !== t) tasks.push(t);
    }
    // the same deadline comes back every year: the year tells this year's 待办 from last year's
    const year = first.due.slice(0, 4);
    const tag = planTag?.(taskOf(at[0]!));
    const label = `${tag ? `${tag}·` : ''}${
      first.kind === 'acknowledge'
        ? `${year}年度签收`
        : `${/\d{4}年/.test(first.label) ? '' : `${year}年`}${first.label}`
    }`;
    const subject =
      tasks.length > 1
        ? `${label} ${tasks.length} 项任务(${units}):${listsOf(tasks).names}`
        : `${label}:${namesOf(tasks[0]!).line}(${units})`;
    out.push({
      key,
      obligationIds: at.map((i) => items.record(i).id),
      personId: g.person.id,
      unionId: todoUnionId(g.person)!,
      subject: subject.length > 200 ? `${subject.slice(0, 199)}…` : subject,
      // several tasks: the list, one per line (the title has room only for their numbers)
      ...(tasks.length > 1 ? { description: listsOf(tasks).lines } : {}),
      due: first.due,
      ...(tasks.length === 1 ? { taskId: tasks[0]!.id } : {}),
    });
  }
  return out;
}

/**
 * `list` ordered by `key`, an exact non-negative integer (ties kept in list order). Keys below 2^31
 * are packed with their position into one typed array and sorted without a comparator (~10× faster
 * on a province's lists); larger ones (thousands of due dates × task numbers) take a comparator.
 */
export function stableSort<T>(list: ArrayLike<T>, key: (t: T, i: number) => number): T[] {
  const n = list.length;
  if (n < 2) return Array.from(list);
  const spare = sortKeys.take(n);
  const keys = spare.subarray(0, n);
  let packed = n < 2 ** 21;
  for (let i = 0; i < n; i += 1) {
    const k = key(list[i]!, i);
    if (!(k < 2 ** 31)) packed = false;
    keys[i] = k * 2 ** 21 + i;
  }
  if (!packed) {
    sortKeys.give(spare);
    const raw = Array.from(list, (t, i) => ({ t, k: key(t, i), i }));
    raw.sort((x, y) => x.k - y.k || x.i - y.i);
    return raw.map((x) => x.t);
  }
  keys.sort();
  const out = new Array<T>(n);
  for (let i = 0; i < n; i += 1) out[i] = list[keys[i]! % 2 ** 21]!;
  sortKeys.give(spare);
  return out;
}

/**
 * A typed array kept from one use to the next, for what is needed only while a call runs. Typed
 * arrays live outside V8's heap: one that outlives a few young-generation collections is freed
 * only by a full collection, and V8 starts a full collection of the whole heap (a province's
 * state: ~0.7 GB) once that memory has grown ~64 MB since the last. A province's plan made ~13
 * bytes per item of such arrays (its sort keys, its grouping by unit, who wants a 待办).
 */
class Spare<A extends Float64Array | Int32Array | Uint8Array> {
  private spare: A | undefined;

  constructor(
    private readonly make: (n: number) => A,
    /** larger arrays are made for the call and not kept */
    private readonly most: number,
  ) {}

  /** An array of at least `n` elements (not zeroed): the spare when it is free and large enough. */
  take(n: number): A {
    const s = this.spare;
    if (s && s.length >= n) {
      this.spare = undefined; // a call within the call (a sort key that sorts) makes its own
      return s;
    }
    return this.make(n <= this.most ? Math.max(n, 2 * (s?.length ?? 512)) : n);
  }

  /** Hands an array back once its caller is done with it. */
  give(a: A): void {
    if (a.length <= this.most && (!this.spare || a.length > this.spare.length)) this.spare = a;
  }
}

const sortKeys = new Spare<Float64Array>((n) => new Float64Array(n), 2 ** 20);

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
  /** its position among the units read */
  index: number;
  /** how many of today's items are its, and where they start in `Items.byUnit` */
  count: number;
  start: number;
  /** the stages of its items, by level (a bit per stage) */
  stagesAt: [number, number, number, number];
  /** with 待办 on: for each of `first`, the sets of obligations under their 待办 (null: no DingTalk unionId) */
  coverageOf?: Array<Coverage | null>;
}

const STAGES: readonly Stage[] = ['overdue', 'due', 'before', 'new'];
const stageBit = (stage: Stage): number => 1 << STAGES.indexOf(stage);

/** `a`, or a copy twice as long when `n` does not fit. */
function room<A extends Float64Array | Int32Array | Uint16Array | Uint8Array>(a: A, n: number): A {
  if (n < a.length) return a;
  const b = new (a.constructor as new (length: number) => A)(a.length * 2);
  b.set(a);
  return b;
}

/** How many items the last plan had: the next one's columns are made that size at once (it changes little from day to day). */
let lastItemCount = 0;
const wantSpare = new Spare<Uint8Array>((n) => new Uint8Array(n), 2 ** 24);
const unitSpare = new Spare<Int32Array>((n) => new Int32Array(n), 2 ** 24);

/**
 * Today's items, an item being its position in the order read: its record, and as numbers its
 * unit, place in the order (level first), stage and task; its deadline and working days are
 * looked up from the record when needed. A province's day has 576k items: an object per item, or
 * lists growing as they are read, kept the garbage collector busy for most of the plan.
 *
 * The columns' memory is outside V8's heap, and V8 starts a full collection of the whole heap (a
 * province's state) once that memory has grown ~64 MB since the last one: so they are made at the
 * last plan's size rather than grown by doubling, keys are 32-bit where they fit, and what only
 * the plan needs (who wants a 待办 of an item, a bit per contact; the grouping by unit) is a
 * `Spare` kept for the next plan. What the reminders' views read after the plan is 19 bytes an
 * item (a province: ~12 MB a plan, against ~40 MB with doubling columns and 待办 pairs).
 */
class Items {
  length = 0;
  /** where each item's record is: the list, the position in it */
  private inList: Int32Array;
  private atInList: Int32Array;
  /** Int32 where every key fits (fewer than ~3,500 task numbers) */
  private keys: Int32Array | Float64Array;
  private units: Int32Array;
  private stages: Uint8Array;
  /** each item's task, by its position in the state's list (a Map lookup by id per item was a fifth of a first plan) */
  private tasks: Uint16Array | Int32Array;
  /** which of the item's unit's `first` (the first 8, a bit each) have no 待办 for it (a spare: see `release`) */
  private wants: Uint8Array;
  /** the same for positions 8 and on: (item, position) pairs in the order added */
  private readonly wantsMore: number[] = [];

  constructor(
    private readonly lists: ReadonlyArray<readonly ObligationRecord[]>,
    private readonly unitList: readonly UnitDay[],
    taskCount: number,
    /** the largest key */
    most: number,
  ) {
    const size = Math.max(1024, Math.ceil(lastItemCount * 1.05));
    this.tasks = taskCount < 2 ** 16 ? new Uint16Array(size) : new Int32Array(size);
    this.inList = new Int32Array(size);
    this.atInList = new Int32Array(size);
    this.keys = most < 2 ** 31 ? new Int32Array(size) : new Float64Array(size);
    this.units = new Int32Array(size);
    this.stages = new Uint8Array(size);
    this.wants = wantSpare.take(size).fill(0);
  }

  /** Adds the record at `at` of list `list` as the next item. */
  push(list: number, at: number, u: UnitDay, key: number, st: Staged, task: number): number {
    const i = this.length;
    this.length += 1;
    if (i === this.keys.length) {
      this.inList = room(this.inList, i);
      this.atInList = room(this.atInList, i);
      this.keys = room(this.keys, i);
      this.units = room(this.units, i);
      this.stages = room(this.stages, i);
      const wants = room(this.wants, i);
      if (wants !== this.wants) wantSpare.give(this.wants);
      this.wants = wants;
      this.tasks = room(this.tasks, i);
    }
    this.inList[i] = list;
    this.atInList[i] = at;
    this.keys[i] = key;
    this.units[i] = u.index;
    this.stages[i] = STAGES.indexOf(st.stage!) * 4 + st.level;
    this.tasks[i] = task;
    return i;
  }

  /** The person at `pos` of item `i`'s unit's `first` has no 待办 for it (items in order, then positions in order). */
  want(pos: number, i: number): void {
    if (pos < 8) this.wants[i]! |= 1 << pos;
    else this.wantsMore.push(i, pos);
  }

  /** Each (position, item) given to `want`, in the order given. */
  forEachWanted(fn: (pos: number, i: number) => void): void {
    const more = this.wantsMore;
    let m = 0;
    for (let i = 0; i < this.length; i += 1) {
      const bits = this.wants[i]!;
      if (bits !== 0) for (let pos = 0; pos < 8; pos += 1) if (bits & (1 << pos)) fn(pos, i);
      for (; m < more.length && more[m] === i; m += 2) fn(more[m + 1]!, i);
    }
  }

  /** Hands back what is needed only while planning (who wants a 待办): `want` and `forEachWanted` no more. */
  release(): void {
    wantSpare.give(this.wants);
    this.wants = new Uint8Array(0);
  }

  /**
   * Each unit that has items, in the order read, with its items in the order read (a counting sort
   * by unit; the array is reused once `fn` returns).
   */
  forEachUnit(fn: (u: UnitDay, at: Int32Array) => void): void {
    lastItemCount = this.length;
    let start = 0;
    for (const u of this.unitList) [u.start, start] = [start, start + u.count];
    const fill = unitSpare.take(this.unitList.length).fill(0, 0, this.unitList.length);
    const byUnit = unitSpare.take(this.length);
    for (let i = 0; i < this.length; i += 1) {
      const u = this.units[i]!;
      const k = fill[u]!;
      byUnit[this.unitList[u]!.start + k] = i;
      fill[u] = k + 1;
    }
    unitSpare.give(fill);
    for (const u of this.unitList) if (u.count > 0) fn(u, byUnit.subarray(u.start, u.start + u.count));
    unitSpare.give(byUnit);
  }

  record(i: number): ObligationRecord {
    return this.lists[this.inList[i]!]![this.atInList[i]!]!;
  }

  key(i: number): number {
    return this.keys[i]!;
  }

  /** the item's task: its position in the state's list */
  task(i: number): number {
    return this.tasks[i]!;
  }

  unit(i: number): UnitDay {
    return this.unitList[this.units[i]!]!;
  }

  stage(i: number): Stage {
    return STAGES[this.stages[i]! >> 2]!;
  }

  level(i: number): 1 | 2 | 3 {
    return (this.stages[i]! & 3) as 1 | 2 | 3;
  }
}

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
  };
}

/** Why the digest: the stages its items are at (a bit each, in STAGES' order). */
function reasonsOf(stages: number): string[] {
  const words = ['有逾期事项', '今日到期', '即将到期', '新任务待签收'];
  return words.filter((_, i) => stages & (1 << i));
}

/**
 * The day's plan, empty: on a day with no holiday data, a day off, or outside the sending hours it
 * says why (`skipped`) and nothing is planned.
 */
function dayOf(calendar: WorkCalendar, policy: ReminderPolicy, now: Date): PlanResult {
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
    if (st.stage === null || (o.year !== year && st.stage !== 'overdue')) return false;
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
