import { INSTRUCTIONS_PLAN_ID } from '../../../../shared/schemas/instruction.js';
import type { ObligationRecord } from '../../model/obligation.js';
import { planShortName } from '../../naming/plan-name.js';
import { isDraft } from 'immer';
import { perObject } from '../../model/per-object.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import type { LedgerReader, Store, Tx } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { importedAtOf, includedTasks, obligationContext, obligationsFor, planYears } from './obligation-rules.js';
import type { ReminderPolicy } from '../policy/policy.js';
import { addObligations, concatLists, dropYearsBefore, findObligation, storedLists } from './obligation-table.js';

export interface BookRules {
  calendar: WorkCalendar;
  policy: ReminderPolicy;
}

/** The years kept in the state on `today`: this year's cycle and last year's (still-open items carry over). */
export function liveYears(today: string): number[] {
  const year = Number(today.slice(0, 4));
  return [year - 1, year];
}

type Missing = ReadonlyArray<{ assignmentId: string; year: number }>;
/** The last answer per committed `materialised` record, with what else it was worked out from. */
const missingOf = new WeakMap<object, { from: readonly unknown[]; missing: Missing }>();

/**
 * What `materialise` would add: assignments (of included tasks) lacking one of the years. Asked by
 * every plan of the day and every read of obligations, it is worked out once per committed state
 * of what it depends on (a province's 240k assignments took a tenth of the day's plan).
 */
export function missingYears(state: Readonly<State>, rules: BookRules, years: readonly number[]): Missing {
  if (isDraft(state)) return computeMissing(state, rules, years);
  const from = [
    state.assignments,
    state.tasks,
    state.plans,
    state.imports,
    rules.calendar,
    rules.policy,
    years.map((y) => `${y}${rules.calendar.hasYear(y) ? '' : '?'}`).join(),
  ];
  const hit = missingOf.get(state.materialised);
  if (hit && hit.from.every((x, i) => x === from[i])) return hit.missing;
  const missing = computeMissing(state, rules, years);
  missingOf.set(state.materialised, { from, missing });
  return missing;
}

function computeMissing(
  state: Readonly<State>,
  rules: BookRules,
  years: readonly number[],
): Array<{ assignmentId: string; year: number }> {
  const out: Array<{ assignmentId: string; year: number }> = [];
  // per plan: the years it can owe, and its included tasks (one pass over the assignments, not one per plan)
  const plans = new Map(
    state.plans.map((plan) => {
      const from = planYears(plan, importedAtOf(state, plan.id)).from;
      const due = years.filter((y) => y >= from && rules.calendar.hasYear(y));
      return [plan.id, { due, tasks: new Set(includedTasks(state.tasks, plan.id, rules.policy).map((t) => t.id)) }];
    }),
  );
  const byPlan = new Map<string, Array<State['assignments'][number]>>();
  for (const a of state.assignments) {
    const plan = plans.get(a.planId);
    if (!plan || plan.due.length === 0 || a.status !== 'active' || !plan.tasks.has(a.taskId)) continue;
    const list = byPlan.get(a.planId);
    if (list) list.push(a);
    else byPlan.set(a.planId, [a]);
  }
  for (const [planId, list] of byPlan)
    // in plan order, as plans were listed
    for (const a of list) {
      const marks = state.materialised[a.id] ?? [];
      for (const y of plans.get(planId)!.due) if (!marks.includes(y)) out.push({ assignmentId: a.id, year: y });
    }
  return out;
}

/**
 * Stores the obligations of `years` for every assignment that lacks them, as the policy says now,
 * with one `obligations.materialised` event per task and year (the ledger keeps every year, the
 * state only the live ones). Fulfilments carried over from a version-4 state are applied. Years
 * without holiday data wait (their dates would be guesses). `adjust` may change a record before it
 * is stored and recorded. Returns how many were added.
 */
export function materialiseInDraft(
  draft: State,
  tx: Tx,
  rules: BookRules,
  years: readonly number[],
  adjust?: (r: ObligationRecord) => ObligationRecord,
): number {
  const missing = missingYears(draft, rules, years);
  if (missing.length === 0) return 0;
  const byTaskYear = new Map<string, ObligationRecord[]>();
  for (const computed of computeRecords(draft, rules, missing)) {
    // a caller may re-date what it stores (units named mid-year owe nothing from before): the event records the result
    const r = adjust ? adjust(computed) : computed;
    const key = `${r.planId}|${r.taskId}|${r.year}`;
    byTaskYear.set(key, [...(byTaskYear.get(key) ?? []), r]);
  }
  for (const m of missing)
    draft.materialised[m.assignmentId] = [...(draft.materialised[m.assignmentId] ?? []), m.year].sort();
  let added = 0;
  for (const [key, records] of byTaskYear) {
    const [planId, taskId, year] = key.split('|') as [string, string, string];
    const seq = tx.append({
      type: 'obligations.materialised',
      actor: { type: 'system', name: '督办通' },
      subject: { type: 'task', id: taskId },
      channel: 'system',
      payload: {
        planId,
        year: Number(year),
        obligations: records.map(({ id, kind, label, opensOn, due, status }) => ({
          id,
          kind,
          label,
          opensOn,
          due,
          ...(status !== 'open' ? { status } : {}),
        })),
      },
    });
    addObligations(
      draft,
      records.map((r) => ({
        ...r,
        seq: r.status === 'fulfilled' ? (draft.legacyFulfillments?.[r.id]?.seq ?? seq) : seq,
      })),
    );
    added += records.length;
  }
  if (draft.legacyFulfillments) {
    const newest = Math.max(...years);
    for (const id of Object.keys(draft.legacyFulfillments))
      if (Number(id.split(':')[1]) <= newest) delete draft.legacyFulfillments[id];
    if (Object.keys(draft.legacyFulfillments).length === 0) delete draft.legacyFulfillments;
  }
  return added;
}

/** The obligations of the given assignment-years as the policy makes them now (not stored; `seq` 0). */
function computeRecords(state: Readonly<State>, rules: BookRules, missing: Missing): ObligationRecord[] {
  const wanted = new Map<string, number[]>();
  for (const m of missing) wanted.set(m.assignmentId, [...(wanted.get(m.assignmentId) ?? []), m.year]);
  const out: ObligationRecord[] = [];
  for (const plan of state.plans) {
    const ctx = obligationContext(state, plan, rules.calendar, rules.policy);
    const tasks = new Map(includedTasks(state.tasks, plan.id, rules.policy).map((t) => [t.id, t]));
    for (const a of state.assignments) {
      const ys = a.planId === plan.id ? wanted.get(a.id) : undefined;
      const task = ys && tasks.get(a.taskId);
      if (!ys || !task) continue;
      for (const year of ys) {
        for (const o of obligationsFor(ctx, task, a, year)) {
          const legacy = state.legacyFulfillments?.[o.id];
          out.push({
            id: o.id,
            planId: plan.id,
            assignmentId: a.id,
            taskId: task.id,
            unitId: a.unitId,
            year,
            kind: o.kind,
            ...(o.period ? { period: o.period } : {}),
            label: o.label,
            opensOn: o.opensOn,
            due: o.due,
            status: legacy ? 'fulfilled' : 'open',
            seq: 0,
            ...(legacy ? { doneAt: legacy.at, action: legacy.action, ...(legacy.by ? { by: legacy.by } : {}) } : {}),
          });
        }
      }
    }
  }
  return out;
}

/**
 * Adds the hand-made obligations of a task to years already materialised (the 督考办 adds one
 * mid-year): only `manual` items that are not stored yet, nothing else of the policy changes.
 */
export function topUpManualInDraft(draft: State, tx: Tx, rules: BookRules, taskId: string, year: number): number {
  const done = draft.assignments
    .filter((a) => a.taskId === taskId && a.status === 'active' && (draft.materialised[a.id] ?? []).includes(year))
    .map((a) => ({ assignmentId: a.id, year }));
  const fresh = computeRecords(draft, rules, done).filter((r) => r.kind === 'manual' && !findObligation(draft, r.id));
  if (fresh.length === 0) return 0;
  const seq = tx.append({
    type: 'obligations.materialised',
    actor: { type: 'system', name: '督办通' },
    subject: { type: 'task', id: taskId },
    channel: 'system',
    payload: {
      planId: fresh[0]!.planId,
      year,
      obligations: fresh.map(({ id, kind, label, opensOn, due }) => ({ id, kind, label, opensOn, due })),
    },
  });
  addObligations(
    draft,
    fresh.map((r) => ({ ...r, seq })),
  );
  return fresh.length;
}

/**
 * The obligations of `years` as readers should see them: the stored ones, and for assignment-years
 * not materialised yet (a new year before its first tick, a plan just imported) what the policy
 * makes of them now. Pure: the planner and the views read through this; writes materialise first.
 */
export function obligationsOf(
  state: Readonly<State>,
  rules: BookRules,
  years: readonly number[],
): readonly ObligationRecord[] {
  return concatLists(obligationListsOf(state, rules, years));
}

/** The same as lists (the stored plan-year lists, then what is not stored yet): a province's millions are walked, not copied. */
export function obligationListsOf(
  state: Readonly<State>,
  rules: BookRules,
  years: readonly number[],
): ReadonlyArray<readonly ObligationRecord[]> {
  const stored = storedLists(state, years);
  const missing = missingYears(state, rules, years);
  return missing.length === 0 ? stored : [...stored, computeRecords(state, rules, missing)];
}

/** A committed list's records by assignment (records of one assignment are stored together). */
const byAssignment = perObject((list: readonly ObligationRecord[]) => {
  const out = new Map<string, ObligationRecord[]>();
  for (const o of list) {
    const mine = out.get(o.assignmentId);
    if (mine) mine.push(o);
    else out.set(o.assignmentId, [o]);
  }
  return out;
});

/**
 * One assignment's obligations of `years` — what `obligationsOf` lists for it, in the same order —
 * found through an index of each committed list (a unit's 签收 or report looks at its own records,
 * not at a district's). On a draft, or when a year is not stored yet, the lists are walked.
 */
export function obligationsOfAssignmentIn(
  state: Readonly<State>,
  rules: BookRules,
  years: readonly number[],
  assignmentId: string,
): readonly ObligationRecord[] {
  const lists = obligationListsOf(state, rules, years);
  if (isDraft(state) || lists.some((l) => isDraft(l)))
    return concatLists(lists).filter((o) => o.assignmentId === assignmentId);
  return lists.flatMap((l) => byAssignment(l).get(assignmentId) ?? []);
}

/**
 * Keeps the state bounded over a five-year plan: obligations of years before last year leave the
 * state (their materialisation and every change of status are in the ledger), with their marks
 * and their finished 待办 records.
 */
export function pruneInDraft(draft: State, today: string): void {
  const [from] = liveYears(today) as [number, number];
  dropYearsBefore(draft, from);
  for (const [a, ys] of Object.entries(draft.materialised)) {
    const keep = ys.filter((y) => y >= from);
    if (keep.length !== ys.length) draft.materialised[a] = keep;
  }
  for (const [key, todo] of Object.entries(draft.todos))
    if (todo.done || todo.obligationIds.every((id) => !findObligation(draft, id))) delete draft.todos[key];
}

/** Makes sure the live years are stored (start-up, a new day, an import): one transaction, none when nothing is missing. */
export async function ensureObligations(store: Store, rules: BookRules, now: Date): Promise<number> {
  const years = liveYears(shanghaiDate(now));
  if (missingYears(store.state.get(), rules, years).length === 0) return 0;
  return (await store.transact((draft, tx) => materialiseInDraft(draft, tx, rules, years))).result;
}

/**
 * A year's obligations as the ledger records them — for years that have left the state (考评 of
 * 2019 read in 2021): each `obligations.materialised` event, then every change of status in order
 * (fulfilled by 签收/报送/审核, reopened by an undo or a refiled report). `id → status`.
 */
export async function obligationsFromLedger(
  ledger: LedgerReader,
  year: number,
): Promise<
  Map<string, { id: string; kind: string; label: string; opensOn: string; due: string; status: string; seq: number }>
> {
  const out = new Map<
    string,
    { id: string; kind: string; label: string; opensOn: string; due: string; status: string; seq: number }
  >();
  const inYear = (id: unknown): id is string => typeof id === 'string' && id.split(':')[1] === String(year);
  for await (const e of ledger.read()) {
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (e.type === 'obligations.materialised' && p.year === year) {
      for (const o of p.obligations as Array<{
        id: string;
        kind: string;
        label: string;
        opensOn: string;
        due: string;
        status?: string;
      }>)
        out.set(o.id, { ...o, status: o.status ?? 'open', seq: e.seq });
    } else if (
      (e.type === 'obligation.acknowledged' || e.type === 'obligation.reported' || e.type === 'obligation.approved') &&
      inYear(p.obligationId)
    ) {
      const o = out.get(p.obligationId);
      if (o) Object.assign(o, { status: 'fulfilled', seq: e.seq });
    } else if (e.type === 'round.opened' && Array.isArray(p.covered)) {
      // a 年中/年末 督查 round re-dated the units' own items
      for (const c of p.covered as Array<{ id: string; due: string; label: string }>) {
        const o = inYear(c.id) ? out.get(c.id) : undefined;
        if (o) Object.assign(o, { due: c.due, label: c.label });
      }
    } else if (e.type === 'obligation.acknowledgeUndone' && inYear(p.obligationId)) {
      const o = out.get(p.obligationId);
      if (o) Object.assign(o, { status: 'open', seq: e.seq });
    } else if (e.type === 'progress.refiled' && inYear(p.from)) {
      const o = out.get(p.from);
      if (o && o.status === 'fulfilled') Object.assign(o, { status: 'open', seq: e.seq });
    }
  }
  return out;
}

/**
 * What is no longer chased, worked out once per committed state: the last day each plan's items are
 * owed (31 December of its period's last year, or of a task deadline set later — after it the plan
 * reads 已结束 and nothing of it is reminded or escalated), the years whose 考评 is final (their open
 * items closed as 未完成, as scored), and the items the 督考办 reopened after that.
 */
export interface ChaseRules {
  planEnds: ReadonlyMap<string, string>;
  finalYears: ReadonlySet<number>;
  reopened: ReadonlySet<string>;
  /** policy.yearClose.on: a year's open items stop being chased on this day (MM-DD) of the next year. */
  closesOn?: string | undefined;
}

const chaseOf = new WeakMap<object, { from: readonly unknown[]; rules: ChaseRules }>();

export function chaseRules(state: Readonly<State>, policy?: Pick<ReminderPolicy, 'yearClose'>): ChaseRules {
  const base = chaseBase(state);
  const on = policy?.yearClose?.on;
  return on ? { ...base, closesOn: on } : base;
}

function chaseBase(state: Readonly<State>): ChaseRules {
  const from = [state.tasks, state.imports, state.assessments, state.reopenedItems];
  const hit = chaseOf.get(state.plans);
  if (hit && hit.from.every((x, i) => x === from[i])) return hit.rules;
  const last = new Map<string, number>();
  for (const plan of state.plans) last.set(plan.id, planYears(plan, importedAtOf(state, plan.id)).to);
  for (const t of state.tasks)
    if (t.schedule.type === 'deadline' && t.schedule.due) {
      const y = Number(t.schedule.due.slice(0, 4));
      if (y > (last.get(t.planId) ?? y)) last.set(t.planId, y);
    }
  const rules: ChaseRules = {
    planEnds: new Map([...last].map(([id, y]) => [id, `${y}-12-31`])),
    finalYears: new Set(
      Object.entries(state.assessments ?? {})
        .filter(([, a]) => a.status === 'final')
        .map(([y]) => Number(y)),
    ),
    reopened: new Set(state.reopenedItems ?? []),
  };
  if (!isDraft(state)) chaseOf.set(state.plans, { from, rules });
  return rules;
}

/** The day a plan's period ends (its items are owed until then). */
export function planEndOf(state: Readonly<State>, planId: string): string | undefined {
  return chaseRules(state).planEnds.get(planId);
}

/** Whether an item is still chased on `today`: its plan has not ended, its year's 考评 is not final (or the 督考办 reopened it). */
export function isChased(r: ChaseRules, o: Pick<ObligationRecord, 'id' | 'planId' | 'year'>, today: string): boolean {
  const end = r.planEnds.get(o.planId);
  if (end !== undefined && today > end) return false;
  const closed = r.finalYears.has(o.year) || (r.closesOn !== undefined && today >= `${o.year + 1}-${r.closesOn}`);
  return !closed || r.reopened.has(o.id);
}

/** The lists of `years` with only what is still chased on `today` (whole lists kept as they are when all of it is). */
export function chasedListsOf(
  state: Readonly<State>,
  rules: BookRules,
  years: readonly number[],
  today: string,
): ReadonlyArray<readonly ObligationRecord[]> {
  const r = chaseRules(state, rules.policy);
  const lists = obligationListsOf(state, rules, years);
  if (r.finalYears.size === 0 && !r.closesOn && [...r.planEnds.values()].every((end) => today <= end)) return lists;
  const out: Array<readonly ObligationRecord[]> = [];
  for (const list of lists) {
    let all = true;
    let none = true;
    for (const o of list) {
      if (isChased(r, o, today)) none = false;
      else all = false;
      if (!all && !none) break;
    }
    if (all) out.push(list);
    else if (!none) out.push(list.filter((o) => isChased(r, o, today)));
  }
  return out;
}

/** Plans whose items are chased on `today`: their period has begun and has not ended. */
export function runningPlanIds(state: Readonly<State>, today: string): string[] {
  const year = Number(today.slice(0, 4));
  const ends = chaseRules(state).planEnds;
  return state.plans
    .filter((p) => planYears(p, importedAtOf(state, p.id)).from <= year && today <= (ends.get(p.id) ?? today))
    .map((p) => p.id);
}

/**
 * Where several plans run at once, each one's short name (重点任务1 alone could mean either): lists,
 * digests, 待办 and the bot name the plan then. Undefined while one plan runs (no name needed).
 */
export function planTags(state: Readonly<State>, today: string): ReadonlyMap<string, string> | undefined {
  // 批示件N names itself: the instructions plan running beside a plan does not make its numbers ambiguous
  const running = runningPlanIds(state, today).filter((id) => id !== INSTRUCTIONS_PLAN_ID);
  if (running.length < 2) return undefined;
  return new Map(running.map((id) => [id, planShortName(state.plans.find((p) => p.id === id)!.title)] as const));
}
