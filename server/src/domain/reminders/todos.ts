/**
 * DingTalk 待办 the day's reminders want: which obligations each person already has a 待办 for,
 * and the new 待办, one per person and deadline.
 */
import { taskLabel } from '../../../../shared/task-label.js';
import type { Task } from '../../../../shared/schemas/task.js';
import type { TodoCreate } from '../../../../shared/schemas/reminders.js';
import type { State } from '../../model/state.js';
import { todoUnionId, type Person } from '../../../../shared/schemas/person.js';
import { perObject } from '../../model/per-object.js';
import { deadlineKey, stableSort, type Coverage, type Deadline, type Items } from './columns.js';

/** Each 待办's obligations as a set, made when first asked (a 待办's parts do not change once it is made). */
const obligationsOfTodo = perObject((t: State['todos'][string]) => new Set(t.obligationIds));

/**
 * The obligations each person already has a 待办 for (one 待办 may cover several units' parts, or
 * a batch of 签收), as the sets of that person's 待办 (a few: one per deadline). An obligation is
 * looked for in the 待办 of its deadline (named by the 待办's key) first, then in the others (its
 * dates may have moved since). One map of every obligation under a 待办 (~7×10⁵ in a province's
 * steady state) cost a quarter of the plan; looking through all of a person's 待办 for every
 * item, a fifth.
 */
export function todoCoverage(todos: Readonly<State['todos']>): (personId: string) => Coverage {
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

/** What a person was reminded of and has no 待办 for yet, for one deadline: the items (in `Items`), in the order read. */
export interface TodoWanted {
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
export function groupTodos(
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
