import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Task } from '../../../../shared/schemas/task.js';
import type {
  AssignmentView,
  PlanView,
  TaskList,
  TaskQuery,
  TaskView,
  UnitAssignmentList,
  UnitView,
} from '../../../../shared/schemas/views.js';
import { notFound, AppError } from '../../errors.js';
import type { State } from '../../model/state.js';
import { nameKey } from '../../naming/names.js';

type S = Readonly<State>;

/** The plan a request means: the one asked for, else the active one. */
export function resolvePlanId(state: S, planId?: string): string {
  const id = planId ?? state.activePlanId;
  if (!id || !state.plans.some((p) => p.id === id)) {
    throw notFound(
      'PLAN_NOT_FOUND',
      planId ? `没有编号为 ${planId} 的计划` : '还没有导入任何计划:请先运行 npm run import -- <文件> --apply',
    );
  }
  return id;
}

export function planView(state: S, planId: string): PlanView {
  const plan = state.plans.find((p) => p.id === planId)!;
  const tasks = state.tasks.filter((t) => t.planId === planId);
  const assignments = state.assignments.filter((a) => a.planId === planId);
  return {
    ...plan,
    counts: {
      sections: state.sections.filter((s) => s.planId === planId).length,
      measures: tasks.filter((t) => t.kind === 'measure').length,
      keyTasks: tasks.filter((t) => t.kind === 'key').length,
      assignments: assignments.length,
      toDesignate: assignments.filter((a) => a.status === 'toDesignate').length,
    },
    obligations: state.proseObligations.filter((o) => o.planId === planId),
    active: state.activePlanId === planId,
  };
}

/**
 * A unit's role in the plan's words: 牵头单位 (△) and 配合单位; where the task marks no △ every unit
 * acts 按各自职责落实, as a 责任单位.
 */
export function roleName(
  task: Pick<Task, 'unitsText'>,
  a: Pick<Assignment, 'role'>,
  all: ReadonlyArray<Pick<Assignment, 'role'>>,
): string {
  if (a.role === 'co') return '配合单位';
  const marked = task.unitsText.includes('△') || all.some((x) => x.role === 'co');
  return marked || all.length === 1 ? '牵头单位' : '责任单位';
}

/**
 * Lookups by id for one committed state (states are immutable: computed once, shared by every
 * request on it) — a view of 36 tasks must not scan 1,000 assignments per assignment.
 */
interface Index {
  units: Map<string, S['units'][number]>;
  groups: Map<string, S['groups'][number]>;
  tasks: Map<string, Task>;
  byTask: Map<string, Assignment[]>;
}
const INDEX = new WeakMap<S, Index>();
export function indexOf(state: S): Index {
  let i = INDEX.get(state);
  if (!i) {
    const byTask = new Map<string, Assignment[]>();
    for (const a of state.assignments) {
      const list = byTask.get(a.taskId);
      if (list) list.push(a);
      else byTask.set(a.taskId, [a]);
    }
    i = {
      units: new Map(state.units.map((u) => [u.id, u])),
      groups: new Map(state.groups.map((g) => [g.id, g])),
      tasks: new Map(state.tasks.map((t) => [t.id, t])),
      byTask,
    };
    INDEX.set(state, i);
  }
  return i;
}

export function assignmentView(state: S, a: Assignment): AssignmentView {
  const ix = indexOf(state);
  const unit = ix.units.get(a.unitId);
  const group = ix.groups.get(
    (a.status === 'toDesignate' || a.status === 'designated' ? a.unitId : a.viaGroupId) ?? '',
  );
  const task = ix.tasks.get(a.taskId);
  const all = (ix.byTask.get(a.taskId) ?? []).filter((x) => x.status !== 'designated');
  const view: AssignmentView = {
    id: a.id,
    unitId: a.unitId,
    unitName: unit?.name ?? group?.name ?? a.unitId,
    role: a.role,
    roleName:
      a.status === 'toDesignate'
        ? '待明确'
        : task
          ? roleName(task, a, all)
          : a.role === 'lead'
            ? '牵头单位'
            : '配合单位',
    status: a.status,
  };
  if (a.viaGroupId && group) view.viaGroup = group.name;
  return view;
}

const VIEWS = new WeakMap<S, Map<string, TaskView>>();

/** A task as the API shows it; computed once per committed state (every reader of that state shares it: treat as read-only). */
export function taskView(state: S, task: Task): TaskView {
  let views = VIEWS.get(state);
  if (!views) VIEWS.set(state, (views = new Map()));
  let view = views.get(task.id);
  if (!view) views.set(task.id, (view = makeTaskView(state, task)));
  return view;
}

function makeTaskView(state: S, task: Task): TaskView {
  const view: TaskView = {
    id: task.id,
    planId: task.planId,
    kind: task.kind,
    number: task.number,
    label: task.label,
    title: task.title,
    body: task.body,
    unitsText: task.unitsText,
    leaders: task.leaders,
    schedule: task.schedule,
    assignments: (indexOf(state).byTask.get(task.id) ?? []).map((a) => assignmentView(state, a)),
  };
  if (task.sectionId) view.sectionId = task.sectionId;
  if (task.kind === 'key' && task.measureId) view.measureId = task.measureId;
  if (task.upper) view.upper = task.upper;
  return view;
}

export function getTask(state: S, id: string): TaskView {
  const task = state.tasks.find((t) => t.id === id);
  if (!task) throw notFound('TASK_NOT_FOUND', `没有编号为 ${id} 的任务`);
  return taskView(state, task);
}

/** Finds a unit or group by id, name or alias. */
function findUnitOrGroup(state: S, ref: string): { kind: 'unit' | 'group'; id: string } | undefined {
  const key = nameKey(ref);
  const unit = state.units.find(
    (u) => u.id === ref || [u.name, u.fullName, ...u.aliases].some((n) => n && nameKey(n) === key),
  );
  if (unit) return { kind: 'unit', id: unit.id };
  const group = state.groups.find((g) => g.id === ref || [g.name, ...g.aliases].some((n) => nameKey(n) === key));
  return group ? { kind: 'group', id: group.id } : undefined;
}

/** Tasks matching the query; `visible` limits them to the tasks a viewer may read. */
export function listTasks(state: S, query: TaskQuery, visible?: (taskId: string) => boolean): TaskList {
  const planId = resolvePlanId(state, query.planId);
  let tasks = state.tasks.filter((t) => t.planId === planId && (!visible || visible(t.id)));
  if (query.kind) tasks = tasks.filter((t) => t.kind === query.kind);
  if (query.schedule) tasks = tasks.filter((t) => t.schedule.type === query.schedule);
  if (query.section) {
    const sections = state.sections.filter((s) => s.planId === planId);
    const section = sections.find(
      (s) => s.id === query.section || String(s.number) === query.section || s.label === query.section,
    );
    if (!section)
      throw new AppError(
        'VALIDATION_FAILED',
        `查询参数 section 有误:没有"${query.section}"这个工程,可用编号 1–${sections.length} 或工程编号`,
      );
    tasks = tasks.filter((t) => t.sectionId === section.id);
  }
  if (query.unit) {
    const found = findUnitOrGroup(state, query.unit);
    if (!found) throw new AppError('VALIDATION_FAILED', `查询参数 unit 有误:单位名录里没有"${query.unit}"`);
    const taskIds = new Set(
      state.assignments.filter((a) => a.unitId === found.id || a.viaGroupId === found.id).map((a) => a.taskId),
    );
    tasks = tasks.filter((t) => taskIds.has(t.id));
  }
  if (query.toDesignate) {
    const pending = new Set(
      state.assignments.filter((a) => a.planId === planId && a.status === 'toDesignate').map((a) => a.taskId),
    );
    tasks = tasks.filter((t) => pending.has(t.id));
  }
  if (query.q) {
    const q = nameKey(query.q);
    tasks = tasks.filter((t) => nameKey(`${t.title}${t.body}${t.unitsText}`).includes(q));
  }
  return {
    items: tasks.slice(query.offset, query.offset + query.limit).map((t) => taskView(state, t)),
    total: tasks.length,
  };
}

function counts(state: S, id: string, planId: string | null): UnitView['counts'] {
  const mine = state.assignments.filter((a) => a.unitId === id && (!planId || a.planId === planId));
  return { lead: mine.filter((a) => a.role === 'lead').length, co: mine.filter((a) => a.role === 'co').length };
}

export function listUnits(state: S): UnitView[] {
  const units: UnitView[] = state.units.map((u) => ({
    id: u.id,
    name: u.name,
    ...(u.fullName ? { fullName: u.fullName } : {}),
    aliases: u.aliases,
    kind: u.kind,
    counts: counts(state, u.id, state.activePlanId),
  }));
  const groups: UnitView[] = state.groups.map((g) => ({
    id: g.id,
    name: g.name,
    aliases: g.aliases,
    kind: 'group',
    expandable: g.expandable,
    memberIds: g.expandable
      ? state.units.filter((u) => g.memberIds.includes(u.id) || g.memberKinds.includes(u.kind)).map((u) => u.id)
      : [],
    counts: counts(state, g.id, state.activePlanId),
  }));
  return [...units, ...groups];
}

export function unitAssignments(state: S, id: string, planIdQuery?: string): UnitAssignmentList {
  const unit = listUnits(state).find((u) => u.id === id);
  if (!unit) throw notFound('UNIT_NOT_FOUND', `没有编号为 ${id} 的单位`);
  const planId = resolvePlanId(state, planIdQuery);
  const tasks = new Map(state.tasks.filter((t) => t.planId === planId).map((t) => [t.id, t]));
  const items = state.assignments
    .filter((a) => a.planId === planId && (a.unitId === id || (unit.kind === 'group' && a.viaGroupId === id)))
    .map((a) => {
      const t = tasks.get(a.taskId)!;
      return {
        ...assignmentView(state, a),
        task: { id: t.id, kind: t.kind, number: t.number, label: t.label, title: t.title, schedule: t.schedule },
      };
    });
  return { unit, items, total: items.length };
}
