/**
 * The planner's columnar store: a day's items as typed arrays (a province's 1.2M items as objects
 * were most of the plan's cost), reusable spare arrays, and the integer sort the digests use.
 */
import type { ObligationRecord } from '../../model/obligation.js';
import type { Person } from '../../../../shared/schemas/person.js';
import type { Smallest } from './smallest.js';
import { STAGES, type Stage, type Staged } from './stages.js';

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
export class Spare<A extends Float64Array | Int32Array | Uint8Array> {
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

export const sortKeys = new Spare<Float64Array>((n) => new Float64Array(n), 2 ** 20);

/** A due date of today's records: its stage and place in the order (worked out once) and its deadlines. */
export interface DueSlot {
  /** days since 1970: what orders records by due date, as one integer */
  day: number;
  staged?: Staged;
  /** the stage of a 签收 that opens today */
  fresh?: Staged;
  /** the deadlines (what a 待办 groups) falling due that day */
  deadlines: Deadline[];
}

/** Per unit: who hears of it, what it has open today (我的任务's rule: this year's opened, last year's overdue) and today's items. */
export interface UnitDay {
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

/** `a`, or a copy twice as long when `n` does not fit. */
export function room<A extends Float64Array | Int32Array | Uint16Array | Uint8Array>(a: A, n: number): A {
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
export class Items {
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

/** A deadline as 待办 group it: parts of one kind and label that open and fall due on the same days. */
export interface Deadline {
  kind: ObligationRecord['kind'];
  label: string;
  opensOn: string;
  due: string;
}

/** How a 待办's key names its deadline (then `|${personId}`). */
export const deadlineKey = (d: Deadline): string => `${d.kind}|${d.label}|${d.opensOn}|${d.due}`;

/** A person's 待办 (the obligations under each) for a deadline first — where its parts usually are — then the rest. */
export type Coverage = (d: Deadline) => {
  mine: ReadonlyArray<ReadonlySet<string>>;
  rest: ReadonlyArray<ReadonlySet<string>>;
};
