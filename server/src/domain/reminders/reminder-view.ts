import type { Reminder, ReminderItem } from '../../../../shared/schemas/reminders.js';

/**
 * What the day's run needs of a reminder's items: counts, ids, and the few lines its digest shows.
 * A province's day lists 1.2M items in 12,000 reminders, of which a digest shows 8 each; the
 * planner answers these from its own columns, so the items themselves are made only when someone
 * reads `items` (the preview, the CLI, tests). A reminder from anywhere else — parsed, copied,
 * changed — is answered from its `items` and `also`.
 */
export interface ReminderView {
  /** how many items (today's reminders) */
  readonly count: number;
  /** how many "also open" items */
  readonly alsoCount: number;
  /** how many items are overdue */
  overdue(): number;
  /** the items' obligation ids, in their order (a list the planner may share between reminders: not to be changed) */
  obligationIds(): string[];
  /** the items' tasks, each once, in the order first listed (shared likewise) */
  taskIds(): string[];
  /** whether the items and the "also" list belong to more than one unit */
  severalUnits(): boolean;
  /** the first `n` of the items and the "also" list in the digest's order (see `urgencyRank`) */
  mostUrgent(n: number): ReminderItem[];
}

/** A digest lists what is overdue first, then what is due today, then what is coming; then by due date and task number. */
export const urgencyRank = (stage: ReminderItem['stage']): number =>
  stage === 'overdue' ? 0 : stage === 'due' ? 1 : 2;

const planned = new WeakMap<Reminder, ReminderView>();

/** The planner's view of a reminder it made; dropped once its items are made (they may then be changed). */
export function registerView(r: Reminder, view: ReminderView): void {
  planned.set(r, view);
}

function dropView(r: Reminder): void {
  planned.delete(r);
}

export function viewOf(r: Reminder): ReminderView {
  return planned.get(r) ?? plainView(r);
}

function plainView(r: Reminder): ReminderView {
  const also = r.also ?? [];
  return {
    count: r.items.length,
    alsoCount: also.length,
    overdue: () => r.items.filter((i) => i.stage === 'overdue').length,
    obligationIds: () => r.items.map((i) => i.obligationId),
    taskIds: () => [...new Set(r.items.map((i) => i.taskId))],
    severalUnits: () => {
      const all = [...r.items, ...also];
      return all.some((x) => x.unitId !== all[0]!.unitId);
    },
    mostUrgent: (n) =>
      [...r.items, ...also]
        .sort(
          (a, b) =>
            urgencyRank(a.stage) - urgencyRank(b.stage) ||
            (a.due < b.due ? -1 : a.due > b.due ? 1 : 0) ||
            a.taskNumber - b.taskNumber,
        )
        .slice(0, n),
  };
}

/** What makes each lazy member of a reminder, until it is read. */
const makers = new WeakMap<Reminder, Partial<Record<'items' | 'also', () => ReminderItem[]>>>();

/**
 * The accessors of a lazy member, one pair for every reminder: V8 keeps objects whose accessors
 * are the same functions in one shape (a pair per object gave each of a province's 12,000
 * reminders a shape of its own, ~2 KB each).
 */
function accessors(name: 'items' | 'also'): PropertyDescriptor {
  function settle(r: Reminder, value: ReminderItem[] | undefined): void {
    dropView(r);
    const left = makers.get(r);
    if (left) delete left[name];
    Object.defineProperty(r, name, { value, writable: true, enumerable: true, configurable: true });
  }
  return {
    enumerable: true,
    configurable: true,
    get(this: Reminder) {
      const value = makers.get(this)![name]!();
      settle(this, value);
      return value;
    },
    set(this: Reminder, value: ReminderItem[] | undefined) {
      settle(this, value);
    },
  };
}
const ITEMS = accessors('items');
const ALSO = accessors('also');

/**
 * Gives `r` an `items` (or `also`) member made by `make` when first read. Reading it makes the
 * list once and drops the planner's view (the list may be changed afterwards); setting it replaces
 * it. Enumerable, so JSON and spreading see it as a plain member.
 */
export function lazyMember(r: Reminder, name: 'items' | 'also', make: () => ReminderItem[]): void {
  makers.set(r, { ...makers.get(r), [name]: make });
  Object.defineProperty(r, name, name === 'items' ? ITEMS : ALSO);
}
