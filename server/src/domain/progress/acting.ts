import { taskLabel } from '../../../../shared/task-label.js';
import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Actor } from '../../model/ledger.js';
import { allowed, PERMISSIONS } from '../../auth/permissions.js';
import { canActFor, type Viewer } from '../../auth/viewer.js';
import { AppError } from '../../errors.js';
import type { State } from '../../model/state.js';
import { planShortName } from '../../naming/plan-name.js';
import { runningPlanIds } from '../obligations/obligation-book.js';

export type ActChannel = 'miniapp' | 'bot' | 'api';

/** Who acts, for which unit's part in which task, through which channel. */
export interface ActingFor {
  actor: Actor & { id: string };
  assignment: Assignment;
  channel: ActChannel;
  /** The bot message that asked for it (recorded with the events: msgId dedupe across restarts). */
  msgId?: string;
}

/**
 * The one authorisation rule for acting on an assignment (签收, 报送, 申请), consulted by the HTTP
 * routes and the bot alike: only the unit's own contacts and leaders act for it.
 */
export function actFor(state: Readonly<State>, v: Viewer, assignmentId: string, channel: ActChannel): ActingFor {
  const assignment = state.assignments.find((a) => a.id === assignmentId);
  if (!assignment) throw new AppError('ASSIGNMENT_NOT_FOUND', `没有编号为 ${assignmentId} 的责任分工`);
  assertMayAct(v);
  if (!canActFor(v, assignment.unitId)) throw new AppError('FORBIDDEN', '只能办理本单位的任务;这项分工不属于您的单位');
  if (assignment.status === 'closed') throw closed(state, assignment);
  return { assignment, actor: { type: 'person', id: v.person.id, name: v.person.name }, channel };
}

/** The permission table's rule (the routes check it too, before reading a body): 联络员 and unit leaders act. */
function assertMayAct(v: Viewer): void {
  if (!allowed(v, 'unit.act'))
    throw new AppError('NOT_PERMITTED', `您的角色不能${PERMISSIONS['unit.act'].label};如需办理,请联系区督考办`);
}

/** Acting on a part the 督考办 has closed (办结 approved) is refused, saying so. */
function closed(state: Readonly<State>, a: Assignment): AppError {
  const task = state.tasks.find((t) => t.id === a.taskId);
  return new AppError(
    'ASSIGNMENT_CLOSED',
    `${task ? taskLabel(task) : '这项任务'}本单位已办结(督考办已同意),无需再签收或报送`,
  );
}

/**
 * The viewer's assignments on a key task named by its number (how the bot and the reminders name
 * tasks), optionally narrowed to a unit by name or id. The task is looked for in the plans running
 * today (the active plan when none runs); where the viewer's units carry task N in two running
 * plans, the plan must be named — its short name as the unit slot or anywhere in the message —
 * else `WHICH_PLAN` asks (never a guess). A task the viewer's units do not carry is refused as the
 * routes refuse it.
 */
export function assignmentsByNumber(
  state: Readonly<State>,
  v: Viewer,
  number: number,
  unit?: string,
  o: { today?: string; text?: string } = {},
): Assignment[] {
  const running = o.today ? runningPlanIds(state, o.today) : [];
  const plans = new Set(running.length > 0 ? running : state.activePlanId ? [state.activePlanId] : []);
  // a 领导批示件 shares numbers with the plans' key tasks: where a unit carries both, it is asked which
  let tasks = state.tasks.filter(
    (t) => plans.has(t.planId) && (t.kind === 'key' || t.kind === 'instruction') && t.number === number,
  );
  const nameOfPlan = (planId: string) => planShortName(state.plans.find((p) => p.id === planId)?.title ?? planId);
  // the plan named as the unit slot (批示件3 → 3 of 领导批示件): only its task, whatever else the unit carries
  const inPlan = unit ? tasks.filter((t) => nameOfPlan(t.planId) === unit) : [];
  if (inPlan.length > 0) {
    tasks = inPlan;
    unit = undefined;
  }
  if (tasks.length === 0) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${number} 的重点任务`);
  assertMayAct(v);
  const carries = (taskId: string) =>
    state.assignments.filter(
      (a) => a.taskId === taskId && (a.status === 'active' || a.status === 'closed') && v.unitIds.has(a.unitId),
    );
  let mineTasks = tasks.filter((t) => carries(t.id).length > 0);
  const nameOf = (planId: string) => planShortName(state.plans.find((p) => p.id === planId)?.title ?? planId);
  let unitName = unit;
  if (mineTasks.length > 1) {
    const named = mineTasks.filter((t) => {
      const n = nameOf(t.planId);
      return unit === n || (o.text ?? '').includes(n.replace(/…$/, ''));
    });
    if (named.length === 1) {
      if (unit === nameOf(named[0]!.planId)) unitName = undefined;
      mineTasks = named;
    } else {
      const names = mineTasks.map((t) => `「${nameOf(t.planId)}」`);
      throw new AppError(
        'WHICH_PLAN',
        `${mineTasks.every((t) => t.kind === 'key') ? `重点任务${number}` : `编号 ${number}`}在${names.join('和')}${names.length}个方案中都有,请写明是哪个方案,例如:收到 ${number} ${nameOf(mineTasks[0]!.planId)}`,
        { details: mineTasks.map((t) => ({ path: t.planId, message: nameOf(t.planId) })) },
      );
    }
  }
  const task = mineTasks[0] ?? tasks.find((t) => t.planId === state.activePlanId) ?? tasks[0]!;
  const carried = carries(task.id);
  if (carried.length === 0) throw new AppError('FORBIDDEN', `${taskLabel(task)}不由您的单位承担,不能办理`);
  const mine = carried.filter((a) => a.status === 'active');
  if (mine.length === 0) throw closed(state, carried[0]!);
  if (!unitName) return mine;
  const byUnit = mine.filter(
    (a) => a.unitId === unitName || state.units.find((u) => u.id === a.unitId)?.name === unitName,
  );
  if (byUnit.length === 0) throw new AppError('VALIDATION_FAILED', `重点任务${number}里没有"${unitName}"这个单位`);
  return byUnit;
}
