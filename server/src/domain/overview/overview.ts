import type { Task } from '../../../../shared/schemas/task.js';
import type { Overview, PartView } from '../../../../shared/schemas/workbench.js';
import { AppError } from '../../errors.js';
import type { State } from '../../model/state.js';
import { LIGHT_ORDER, recoveredLate, worst, type Light, type LightRules } from '../lights/lights.js';
import { obligationsOf, planEndOf } from '../obligations/obligation-book.js';
import { pendingPlaceholders } from '../plan/designate.js';
import { roleName } from '../plan/plan-queries.js';
import { itemName } from '../progress/progress-service.js';
import { includedTasks } from '../obligations/obligation-rules.js';
import { openObligations } from '../obligations/open-obligations.js';

type S = Readonly<State>;

/** One collator for every sort (localeCompare with a locale builds one per call). */
const byName = new Intl.Collator('zh-CN').compare;

export interface PartScope {
  /** The cycle counted: this year's (with last year's items still open), or last year's alone. */
  year?: number | undefined;
  /** Only these units' parts (a unit leader's view); all when absent. */
  unitIds?: ReadonlySet<string> | undefined;
}

const count = (parts: readonly PartView[]) => ({
  red: parts.filter((p) => p.light === 'red').length,
  yellow: parts.filter((p) => p.light === 'yellow').length,
  green: parts.filter((p) => p.light === 'green').length,
});

/** The year asked for, if the state still holds it (this year and last; older years are in the ledger and the 台账). */
function yearOf(today: string, year: number | undefined): number {
  const current = Number(today.slice(0, 4));
  if (year === undefined) return current;
  if (year !== current && year !== current - 1)
    throw new AppError(
      'VALIDATION_FAILED',
      `只能查看 ${current - 1} 年和 ${current} 年的督办情况;更早的年度请导出台账查看`,
    );
  return year;
}

/**
 * The day the overview counts as of: today, or — once the active plan's period has ended — its last
 * day (`ended`), so its final results stay on screen instead of turning green. `gone`: that year has
 * left the state (its results are in the 台账 and the annual report).
 */
export function asOfPlanEnd(state: S, today: string): { asOf: string; ended?: string; gone: boolean } {
  const end = state.activePlanId ? planEndOf(state, state.activePlanId) : undefined;
  if (!end || today <= end) return { asOf: today, gone: false };
  return { asOf: end, ended: end, gone: Number(end.slice(0, 4)) < Number(today.slice(0, 4)) - 1 };
}

/** The section a task is counted in: its own, else its measure's (key tasks of a 重点任务清单). */
export function sectionOf(state: S, task: Task): string | undefined {
  if (task.sectionId) return task.sectionId;
  const measure = task.kind === 'key' && task.measureId ? state.tasks.find((t) => t.id === task.measureId) : undefined;
  return measure?.sectionId;
}

/**
 * Every unit's part in every task the reminders cover (the plan's key tasks when it has them),
 * each with its light and state. The overview's totals, its rows by unit and by section, the
 * drill-down lists and a task's per-unit view are all counted from this one list, so they agree.
 */
export function partsOf(state: S, rules: LightRules, now: string, scope: PartScope = {}): PartView[] {
  // a plan that has ended is counted as it stood on its last day (its final results), while the state holds that year
  const { asOf: today, gone } = asOfPlanEnd(state, now);
  if (gone) return [];
  const year = yearOf(
    today,
    scope.year === undefined || scope.year > Number(today.slice(0, 4)) ? undefined : scope.year,
  );
  // a committed state never changes: every supervisor opening the overview of the same state shares one computation
  let byState = CACHE.get(state);
  if (!byState) CACHE.set(state, (byState = new Map()));
  const key = `${today}|${year}`;
  let hit = byState.get(key);
  if (!hit || hit.rules !== rules) byState.set(key, (hit = { rules, parts: computeParts(state, rules, today, year) }));
  const units = scope.unitIds;
  return units ? hit.parts.filter((p) => units.has(p.unit.id)) : [...hit.parts];
}

const CACHE = new WeakMap<S, Map<string, { rules: LightRules; parts: readonly PartView[] }>>();

function computeParts(state: S, rules: LightRules, today: string, year: number): PartView[] {
  const current = Number(today.slice(0, 4));
  const plan = state.plans.find((p) => p.id === state.activePlanId);
  if (!plan) return [];
  const tasks = new Map(includedTasks(state.tasks, plan.id, rules.policy).map((t) => [t.id, t]));
  const parts = state.assignments.filter(
    (a) => a.planId === plan.id && tasks.has(a.taskId) && (a.status === 'active' || a.status === 'closed'),
  );
  const unitIds = [...new Set(parts.map((a) => a.unitId))];
  const open = groupBy(
    openObligations(state, rules.calendar, rules.policy, unitIds, today).filter(
      (o) => year === current || o.obligation.year === year,
    ),
    (o) => o.obligation.assignmentId,
  );
  const ofYear = groupBy(obligationsOf(state, rules, [year]), (o) => o.assignmentId);
  const pending = new Map<string, 'report' | 'closure' | 'extension'>();
  for (const r of Object.values(state.requests))
    if ((r.state === 'pending' || r.state === 'leaderPending') && !pending.has(r.assignmentId))
      pending.set(r.assignmentId, r.kind);
  const byTask = groupBy(state.assignments, (a) => a.taskId);
  const units = new Map(state.units.map((u) => [u.id, u.name]));

  return parts.map((a) => {
    const task = tasks.get(a.taskId)!;
    const items = open.get(a.id) ?? [];
    const mine = ofYear.get(a.id) ?? [];
    const light: Light = a.status === 'closed' ? 'green' : worst(items.map((o) => o.light));
    const first = items.find((o) => o.light === light);
    const late =
      a.status === 'closed' || light !== 'green'
        ? undefined
        : mine.map((o) => ({ o, days: recoveredLate(rules, today, o) })).find((x) => x.days !== undefined);
    const reason =
      a.status === 'closed'
        ? '已办结'
        : first
          ? `${itemName(first.obligation, current)}:${first.reason}`
          : late
            ? `已恢复:${itemName(late.o, current)}逾期 ${late.days} 个工作日后完成`
            : '暂无到期事项';
    const ack = mine.find((o) => o.kind === 'acknowledge');
    const last = state.lastReports[a.id];
    const section = sectionOf(state, task);
    return {
      assignmentId: a.id,
      task: { id: task.id, kind: task.kind, number: task.number, title: task.title },
      ...(section ? { sectionId: section } : {}),
      unit: { id: a.unitId, name: units.get(a.unitId) ?? a.unitId },
      role: a.role,
      roleName: roleName(task, a, byTask.get(a.taskId) ?? []),
      status: a.status === 'closed' ? ('closed' as const) : ('active' as const),
      light,
      reason,
      recovered: late !== undefined,
      acknowledged: !ack
        ? ('none' as const)
        : ack.status === 'open'
          ? ack.opensOn <= today
            ? ('open' as const)
            : ('none' as const)
          : ('done' as const),
      lastReport: last ? { at: last.at, text: last.text } : null,
      open: items.length,
      overdueDays: Math.max(0, ...items.map((i) => -i.workingDaysLeft)),
      pendingReview: pending.get(a.id) ?? null,
    };
  });
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** The worst parts first (red, most overdue first as the reasons were sorted), then by task number. */
export function sortParts(parts: PartView[]): PartView[] {
  return parts.sort(
    (x, y) =>
      LIGHT_ORDER[x.light] - LIGHT_ORDER[y.light] || x.task.number - y.task.number || byName(x.unit.name, y.unit.name),
  );
}

/** The district (or a leader's units) at a glance, counted from `partsOf`. */
export function overview(state: S, rules: LightRules, now: string, scope: PartScope = {}): Overview {
  const { asOf: today, ended } = asOfPlanEnd(state, now);
  const year = yearOf(
    today,
    scope.year === undefined || scope.year > Number(today.slice(0, 4)) ? undefined : scope.year,
  );
  const parts = partsOf(state, rules, now, { ...scope, year });
  const byUnit = groupBy(parts, (p) => p.unit.id);
  const bySection = groupBy(parts, (p) => p.sectionId ?? '');
  const rank = (c: { red: number; yellow: number }) => -(c.red * 10_000 + c.yellow);
  const units = [...byUnit]
    .map(([unitId, ps]) => ({ unitId, unitName: ps[0]!.unit.name, ...count(ps) }))
    .sort((a, b) => rank(a) - rank(b) || byName(a.unitName, b.unitName));
  const sectionOrder = new Map(state.sections.map((s, i) => [s.id, i]));
  const sections = [...bySection]
    .map(([sectionId, ps]) => {
      const s = state.sections.find((x) => x.id === sectionId);
      // the parts of tasks the import could not place under a 工程: say how many tasks, and why
      const title =
        s?.title ?? `未归入工程(${new Set(ps.map((p) => p.task.id)).size} 项任务未能对应到正文中的工程条目)`;
      return { sectionId: sectionId || 'none', label: s?.label ?? '', title, ...count(ps) };
    })
    .sort((a, b) => (sectionOrder.get(a.sectionId) ?? 999) - (sectionOrder.get(b.sectionId) ?? 999));
  const inScope = (unitId: string) => !scope.unitIds || scope.unitIds.has(unitId);
  const reviews = Object.values(state.requests).filter((r) => r.state === 'pending' && inScope(r.unitId));
  // as many as the 待明确 list shows (the tasks the reminders cover)
  const placeholders = pendingPlaceholders(state, rules.policy);
  return {
    today: now,
    year,
    ...(ended ? { ended } : {}),
    scope: scope.unitIds ? 'units' : 'district',
    lights: count(parts),
    recovered: parts.filter((p) => p.recovered).length,
    closed: parts.filter((p) => p.status === 'closed').length,
    reviews: {
      total: reviews.length,
      report: reviews.filter((r) => r.kind === 'report').length,
      closure: reviews.filter((r) => r.kind === 'closure').length,
      extension: reviews.filter((r) => r.kind === 'extension').length,
    },
    placeholders: { tasks: new Set(placeholders.map((a) => a.taskId)).size, assignments: placeholders.length },
    units,
    sections,
    history: scope.unitIds ? [] : (state.lightHistory ?? []).filter((h) => h.date.startsWith(String(year))),
  };
}

/** A filtered drill-down list: exactly the parts a count on the overview counted. */
export function filterParts(
  parts: readonly PartView[],
  f: {
    light?: Light | undefined;
    unitId?: string | undefined;
    sectionId?: string | undefined;
    taskId?: string | undefined;
    minOverdueDays?: number | undefined;
  },
): PartView[] {
  return parts.filter(
    (p) =>
      (!f.light || p.light === f.light) &&
      (!f.unitId || p.unit.id === f.unitId) &&
      (!f.sectionId || (p.sectionId ?? 'none') === f.sectionId) &&
      (!f.taskId || p.task.id === f.taskId) &&
      (f.minOverdueDays === undefined || p.overdueDays >= f.minOverdueDays),
  );
}

/** The district's counts today (the day's plan records them for the trend). */
export function lightCounts(
  state: S,
  rules: LightRules,
  today: string,
): { red: number; yellow: number; green: number } {
  return count(partsOf(state, rules, today));
}

/** Keeps one row per day, at most ~400 days. */
export function recordLightsInDraft(
  draft: State,
  today: string,
  c: { red: number; yellow: number; green: number },
): void {
  const history = (draft.lightHistory ?? []).filter((h) => h.date !== today);
  history.push({ date: today, ...c });
  draft.lightHistory = history.slice(-400);
}
