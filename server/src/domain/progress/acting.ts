import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Actor } from '../../../../shared/schemas/ledger.js';
import { allowed, PERMISSIONS } from '../../auth/permissions.js';
import { canActFor, type Viewer } from '../../auth/viewer.js';
import { AppError } from '../../errors.js';
import type { State } from '../../store/state.js';

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
  if (!assignment) throw new AppError('ASSIGNMENT_NOT_FOUND', 404, `没有编号为 ${assignmentId} 的责任分工`);
  assertMayAct(v);
  if (!canActFor(v, assignment.unitId))
    throw new AppError('FORBIDDEN', 403, '只能办理本单位的任务;这项分工不属于您的单位');
  if (assignment.status === 'closed') throw closed(state, assignment);
  return { assignment, actor: { type: 'person', id: v.person.id, name: v.person.name }, channel };
}

/** The permission table's rule (the routes check it too, before reading a body): 联络员 and unit leaders act. */
function assertMayAct(v: Viewer): void {
  if (!allowed(v, 'unit.act'))
    throw new AppError('NOT_PERMITTED', 403, `您的角色不能${PERMISSIONS['unit.act'].label};如需办理,请联系区督考办`);
}

/** Acting on a part the 督考办 has closed (办结 approved) is refused, saying so. */
function closed(state: Readonly<State>, a: Assignment): AppError {
  const task = state.tasks.find((t) => t.id === a.taskId);
  return new AppError(
    'ASSIGNMENT_CLOSED',
    409,
    `${task ? `${task.kind === 'key' ? '重点任务' : '任务'}${task.number}` : '这项任务'}本单位已办结(督考办已同意),无需再签收或报送`,
  );
}

/**
 * The viewer's assignments on a key task of the active plan named by its number (how the bot and
 * the reminders name tasks), optionally narrowed to a unit by name or id. A task the viewer's units
 * do not carry is refused as the routes refuse it.
 */
export function assignmentsByNumber(state: Readonly<State>, v: Viewer, number: number, unit?: string): Assignment[] {
  const task = state.tasks.find((t) => t.planId === state.activePlanId && t.kind === 'key' && t.number === number);
  if (!task) throw new AppError('TASK_NOT_FOUND', 404, `没有编号为 ${number} 的重点任务`);
  assertMayAct(v);
  const carried = state.assignments.filter(
    (a) => a.taskId === task.id && (a.status === 'active' || a.status === 'closed') && v.unitIds.has(a.unitId),
  );
  if (carried.length === 0) throw new AppError('FORBIDDEN', 403, `重点任务${number}不由您的单位承担,不能办理`);
  const mine = carried.filter((a) => a.status === 'active');
  if (mine.length === 0) throw closed(state, carried[0]!);
  if (!unit) return mine;
  const named = mine.filter((a) => a.unitId === unit || state.units.find((u) => u.id === a.unitId)?.name === unit);
  if (named.length === 0) throw new AppError('VALIDATION_FAILED', 400, `重点任务${number}里没有"${unit}"这个单位`);
  return named;
}
