import type { Person } from '../../../shared/schemas/person.js';
import type { Me } from '../../../shared/schemas/miniapp.js';
import { perObject } from '../model/per-object.js';
import { AppError } from '../errors.js';
import { allowed, PERMISSIONS, type Action } from './permissions.js';
import type { State } from '../model/state.js';

/** Who is asking: the signed-in person as the state knows them now (roles and units are re-read on every request). */
export interface Viewer {
  readonly person: Person;
  readonly unitIds: ReadonlySet<string>;
  /** 督考办, administrators, evaluators and district leaders read every task. */
  readonly readsAll: boolean;
  /** A leader of the district government (区长, 分管副区长). */
  readonly districtLeader: boolean;
}

/** The viewer as the actor of a ledger event. */
export const actorOf = (v: Viewer): { type: 'person'; id: string; name: string } => ({
  type: 'person',
  id: v.person.id,
  name: v.person.name,
});

/** Viewers of one committed state, by person (a commit makes a new state, so an entry is exact until then). */
const viewersOf = perObject((_: Readonly<State>) => new Map<string, Viewer>());

/** The viewer of a person in a state: computed once per committed state (every request asks for it). */
export function viewerFor(state: Readonly<State>, personId: string): Viewer {
  const known = viewersOf(state);
  const hit = known.get(personId);
  if (hit) return hit;
  const viewer = computeViewer(state, personId);
  known.set(personId, viewer);
  return viewer;
}

function computeViewer(state: Readonly<State>, personId: string): Viewer {
  const person = state.people.find((p) => p.id === personId);
  if (!person) throw new AppError('UNAUTHENTICATED', '您的账号已不在督办通人员名单中,请联系区督考办');
  const districtLeader =
    person.roles.includes('leader') &&
    person.unitIds.some((id) => state.units.find((u) => u.id === id)?.kind === 'government');
  const readsAll = person.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'evaluator') || districtLeader;
  return { person, unitIds: new Set(person.unitIds), readsAll, districtLeader };
}

export function meView(state: Readonly<State>, v: Viewer): Me {
  return {
    id: v.person.id,
    name: v.person.name,
    ...(v.person.title ? { title: v.person.title } : {}),
    roles: v.person.roles,
    units: v.person.unitIds.map((id) => ({ id, name: state.units.find((u) => u.id === id)?.name ?? id })),
    readsAll: v.readsAll,
    can: (Object.keys(PERMISSIONS) as Action[]).filter((a) => allowed(v, a)),
  };
}

/** A contact or leader reads the tasks their units carry (all of each task's units, read-only). */
export function canReadTask(state: Readonly<State>, v: Viewer, taskId: string): boolean {
  return v.readsAll || state.assignments.some((a) => a.taskId === taskId && v.unitIds.has(a.unitId));
}

export function assertReadTask(state: Readonly<State>, v: Viewer, taskId: string): void {
  if (!state.tasks.some((t) => t.id === taskId)) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${taskId} 的任务`);
  if (!canReadTask(state, v, taskId))
    throw new AppError('FORBIDDEN', '这项任务不由您的单位承担,无权查看。如需了解,请联系区督考办');
}

export function canReadUnit(v: Viewer, unitId: string): boolean {
  return v.readsAll || v.unitIds.has(unitId);
}

/** Only a unit's own contacts and leaders act for it (签收, 报送, 申请). */
export function canActFor(v: Viewer, unitId: string): boolean {
  return v.unitIds.has(unitId) && v.person.roles.some((r) => r === 'contact' || r === 'leader');
}

export function assertSupervisor(v: Viewer): void {
  if (!v.person.roles.some((r) => r === 'supervisor' || r === 'admin'))
    throw new AppError('FORBIDDEN', '只有区督考办可以办理此事项');
}

/**
 * Who sees a 考评申诉 and its files: the appealing unit's own people, the 督考办 and the
 * third-party evaluators — not other units, nor everyone who reads the task.
 */
export function seesAppealsOf(v: Viewer, unitIds: ReadonlySet<string>): boolean {
  return (
    v.person.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'evaluator') ||
    [...unitIds].some((u) => v.unitIds.has(u))
  );
}
