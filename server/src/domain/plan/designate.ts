import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Actor } from '../../model/ledger.js';
import type { DesignateResult } from '../../../../shared/schemas/workbench.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { Clock } from '../../model/runtime.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { liveYears, materialiseInDraft, type BookRules } from '../obligations/obligation-book.js';
import { includedTasks } from '../obligations/obligation-rules.js';
import type { ReminderPolicy } from '../policy/policy.js';

/**
 * Placeholders (区级有关部门 …) nobody has named units for yet, on the active plan's tasks the
 * reminders cover (its key tasks when it has them): the tasks the 待明确 list shows, so its count
 * is the list's length. A measure's placeholder behind a key task reminds nobody either way.
 */
export function pendingPlaceholders(
  state: Readonly<State>,
  policy: Pick<ReminderPolicy, 'taskKinds'> = { taskKinds: 'keyIfAny' },
): Assignment[] {
  const planId = state.activePlanId;
  if (!planId) return [];
  const covered = new Set(includedTasks(state.tasks, planId, policy).map((t) => t.id));
  return state.assignments.filter((a) => a.planId === planId && a.status === 'toDesignate' && covered.has(a.taskId));
}

/** How many tasks (and placeholders) `pendingPlaceholders` lists. */
export function placeholderCount(
  state: Readonly<State>,
  policy?: Pick<ReminderPolicy, 'taskKinds'>,
): { tasks: number; assignments: number } {
  const open = pendingPlaceholders(state, policy);
  return { tasks: new Set(open.map((a) => a.taskId)).size, assignments: open.length };
}

/**
 * The 督考办 names the units behind a 待明确 placeholder of a task. Each named unit gets its own
 * assignment (role as the placeholder's, `viaGroupId` the group) and its obligations from today:
 * items already past are not owed (waived, since nobody was responsible then), and the 签收 is due
 * within the policy's days counted from the next working day, whose digest reminds them. The placeholder becomes
 * `designated`. One transaction, one `units.designated` event (plus the materialisation's).
 */
export async function designateUnits(
  d: { store: Store; clock: Clock; rules: BookRules },
  actor: Actor & { id: string },
  placeholderId: string,
  unitIds: readonly string[],
): Promise<DesignateResult> {
  const { result } = await d.store.transact((draft, tx) => {
    const holder = draft.assignments.find((a) => a.id === placeholderId);
    if (!holder) throw new AppError('ASSIGNMENT_NOT_FOUND', `没有编号为 ${placeholderId} 的责任分工`);
    if (holder.status !== 'toDesignate')
      throw new AppError(
        'DESIGNATION_CONFLICT',
        holder.status === 'designated' ? '这个单位组的责任单位已经明确过了' : '只有"待明确"的单位组才需要明确责任单位',
      );
    const wanted = [...new Set(unitIds)];
    for (const id of wanted) {
      const u = draft.units.find((x) => x.id === id);
      if (!u) throw new AppError('DESIGNATION_INVALID', `没有编号为 ${id} 的单位,请从单位名录中选择`);
    }
    const taken = new Set(
      draft.assignments
        .filter((a) => a.taskId === holder.taskId && a.status !== 'toDesignate' && a.status !== 'designated')
        .map((a) => a.unitId),
    );
    const fresh = wanted.filter((id) => !taken.has(id));
    if (fresh.length === 0) throw new AppError('DESIGNATION_CONFLICT', '所选单位都已承担这项任务,请选择其他单位');
    const today = shanghaiDate(tx.at);
    const created: Assignment[] = fresh.map((unitId) => ({
      id: `${holder.taskId}.${unitId}`,
      planId: holder.planId,
      taskId: holder.taskId,
      unitId,
      role: holder.role,
      viaGroupId: holder.unitId,
      status: 'active',
    }));
    for (const a of created) {
      const old = draft.assignments.findIndex((x) => x.id === a.id);
      if (old >= 0) draft.assignments.splice(old, 1);
      draft.assignments.push(a);
    }
    holder.status = 'designated';
    tx.append({
      type: 'units.designated',
      actor,
      subject: { type: 'assignment', id: holder.id },
      channel: 'miniapp',
      payload: {
        taskId: holder.taskId,
        placeholder: holder.id,
        groupId: holder.unitId,
        unitIds: fresh,
        assignments: created.map((a) => a.id),
        before: 'toDesignate',
        after: 'designated',
      },
    });
    const mine = new Set(created.map((a) => a.id));
    // the 签收 is due as at the start of a cycle, counted from the next working day: its first reminder goes out then
    const ackDue = d.rules.calendar.addWorkingDays(today, d.rules.policy.acknowledge.withinWorkingDays + 1);
    materialiseInDraft(draft, tx, d.rules, liveYears(today), (r) => {
      if (!mine.has(r.assignmentId)) return r;
      if (r.year < Number(today.slice(0, 4))) return { ...r, status: 'waived' };
      if (r.kind === 'acknowledge') return r.due < ackDue ? { ...r, opensOn: today, due: ackDue } : r;
      return r.due < today ? { ...r, status: 'waived' } : r;
    });
    return {
      taskId: holder.taskId,
      placeholder: holder.id,
      assignments: created.map((a) => ({
        assignmentId: a.id,
        unit: { id: a.unitId, name: draft.units.find((u) => u.id === a.unitId)?.name ?? a.unitId },
      })),
    };
  });
  return result;
}
