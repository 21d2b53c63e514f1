/**
 * Tasks down the chain and answers back up (市 → 区 → 镇街). An organisation whose registry entry
 * names the unit it is in its parent's directory (`unit`: 柯桥区 in the city's plan) receives the
 * parent's tasks assigned to that unit as a plan of its own — 上级交办 — each task linked to the
 * parent's (`task.upper`) and owed by a placeholder its 督考办 decomposes to its own units with the
 * existing 明确责任单位. Its 督考办's approval of a unit's 年中/年末 report on such a task is the
 * organisation's answer: it is reported on the parent's item as the organisation's own; when every
 * unit's part is 办结 (approved), the organisation asks the parent for 办结. Each organisation keeps
 * its own store: the two sides are two transactions, the parent's recorded as the child's act.
 */
import type { ChainLink, OrgsSummary } from '../../../shared/schemas/org.js';
import type { Plan } from '../../../shared/schemas/plan.js';
import type { Task } from '../../../shared/schemas/task.js';
import { taskLabel } from '../../../shared/task-label.js';
import type { Core } from '../core.js';
import { AppError } from '../errors.js';
import { directoryOf } from '../domain/plan/directory-of.js';
import { importPlan } from '../importer/import-plan.js';
import type { LedgerEvent } from '../model/ledger.js';
import type { Log } from '../model/runtime.js';
import type { State } from '../model/state.js';
import { applyImport } from '../plan-import/apply-import.js';
import type { Store } from '../store/ports.js';

/** One side of the chain: an organisation's id, name, store and services. */
export interface Side {
  id: string;
  name: string;
  store: Store;
  core: Core;
}

/** What an organisation's 督考办 decomposes a task handed down to: its own units, chosen there. */
export const PLACEHOLDER = '各承办单位(待分解)';

/** The plan an organisation holds for a plan of its parent. */
export const upperPlanId = (parent: string, planId: string): string => `up-${parent}-${planId}`.slice(0, 120);

/** The parent's unit that stands for `child` (by id, else by name). */
export function unitOf(parent: Readonly<State>, unit: string | undefined): string | undefined {
  if (!unit) return undefined;
  return (
    parent.units.find((u) => u.id === unit) ?? parent.units.find((u) => u.name === unit || u.aliases.includes(unit))
  )?.id;
}

/** A task as a row of the document the child imports: its label kept, its time words as the parent's. */
const row = (t: Task): string =>
  [t.number, t.title, PLACEHOLDER, t.schedule.text || '每年推进']
    .map((c) => String(c).replace(/[|\n]/g, ' '))
    .join(' | ');

/**
 * Down: every plan of the parent with tasks assigned to the child's unit becomes a plan of the
 * child (tasks owed by the placeholder, linked to the parent's). Tasks the parent assigns to the
 * unit later (a plan re-imported with more, a unit named afterwards) come as a further plan of
 * the child (补充交办), so what the child has decomposed stays as it is. Returns the plans it made.
 */
export async function cascadeDown(parent: Side, child: Side, unit: string | undefined, at: Date): Promise<string[]> {
  const ps = parent.store.state.get();
  const unitId = unitOf(ps, unit);
  if (!unitId) return [];
  const mine = ps.assignments.filter((a) => a.unitId === unitId && a.status !== 'closed');
  const made: string[] = [];
  const cs = child.store.state.get();
  // the parent's tasks the child holds already (under any of its plans)
  const held = new Set(cs.tasks.flatMap((t) => (t.upper?.org === parent.id ? [t.upper.taskId] : [])));
  for (const plan of ps.plans.filter((p) => mine.some((a) => a.planId === p.id))) {
    const tasks = ps.tasks
      .filter((t) => t.planId === plan.id && !held.has(t.id) && mine.some((a) => a.taskId === t.id))
      .sort((a, b) => a.number - b.number);
    if (tasks.length === 0) continue;
    const first = upperPlanId(parent.id, plan.id);
    const batch = cs.plans.filter((p) => p.id === first || p.id.startsWith(`${first}-`)).length;
    const id = batch === 0 ? first : `${first}-${batch + 1}`;
    const title = `${parent.name}${batch === 0 ? '交办' : `补充交办(第${batch + 1}批)`}:${plan.title}`;
    const doc = [title, '序号 | 重点任务 | 责任单位 | 完成时限', ...tasks.map(row)].join('\n');
    const result = await importPlan(
      { name: `${parent.name}交办.txt`, content: new TextEncoder().encode(doc) },
      directoryOf(child.store.state.get()),
      { planId: id },
    );
    const period: Partial<Pick<Plan, 'period' | 'issuedOn'>> = {
      ...(plan.period ? { period: plan.period } : {}),
      ...(plan.issuedOn ? { issuedOn: plan.issuedOn } : {}),
    };
    const byNumber = new Map(tasks.map((t) => [t.number, t]));
    await applyImport(
      child.store,
      {
        ...result,
        plan: { ...result.plan, issuer: parent.name, ...period },
        tasks: result.tasks.map((t) => {
          const up = byNumber.get(t.number)!;
          return { ...t, upper: { org: parent.id, orgName: parent.name, taskId: up.id, label: taskLabel(up) } };
        }),
      },
      { type: 'system', name: `${parent.name}交办` },
      at,
    );
    made.push(id);
  }
  return made;
}

/**
 * Up: the child's approvals on tasks handed down, as the child's acts on the parent's item — a
 * report approved (年中/年末) is reported there; the last part 办结 asks there for 办结. Returns
 * what it did (for the log and the test).
 */
export async function cascadeUp(
  parent: Side,
  child: Side,
  unit: string | undefined,
  events: readonly LedgerEvent[],
  log: Log,
): Promise<string[]> {
  const done: string[] = [];
  for (const e of events) {
    if (e.type !== 'review.approved') continue;
    const p = e.payload as { requestId: string; kind: string; taskId: string; unitId: string };
    const cs = child.store.state.get();
    const task = cs.tasks.find((t) => t.id === p.taskId);
    if (!task?.upper || task.upper.org !== parent.id) continue;
    const ps = parent.store.state.get();
    const unitId = unitOf(ps, unit);
    const assignment = ps.assignments.find((a) => a.taskId === task.upper!.taskId && a.unitId === unitId);
    if (!assignment || assignment.status === 'closed') continue;
    const acting = {
      actor: { type: 'system' as const, id: `org:${child.id}`, name: `${child.name}督考办` },
      assignment,
      channel: 'api' as const,
      msgId: `cascade:${child.id}:${e.seq}`,
    };
    const request = cs.requests[p.requestId];
    const unitName = cs.units.find((u) => u.id === p.unitId)?.name ?? p.unitId;
    try {
      if (p.kind === 'report' && request) {
        const input = {
          text: `【${child.name}】${unitName}:${request.text}(${child.name}督考办已审核)`,
          noChange: false,
          evidence: [],
        };
        // the same item above (its 年末 for the unit's 年末), where it is open; else the shared rule picks
        const item = request.obligationIds[0]?.slice(request.assignmentId.length);
        await parent.core.progress
          .report(acting, { ...input, ...(item ? { obligationId: `${assignment.id}${item}` } : {}) })
          .catch((error: unknown) => {
            if (error instanceof AppError && error.code === 'OBLIGATION_NOT_OPEN')
              return parent.core.progress.report(acting, input);
            throw error;
          });
        done.push(`report ${task.upper.label}`);
      } else if (p.kind === 'closure') {
        const parts = cs.assignments.filter(
          (a) => a.taskId === task.id && (a.status === 'active' || a.status === 'closed'),
        );
        if (parts.length === 0 || parts.some((a) => a.status !== 'closed')) continue;
        await parent.core.progress.requestClosure(acting, {
          text: `【${child.name}】${taskLabel(task)}已分解到 ${parts.length} 个单位,均已办结(${child.name}督考办已审核)`,
          evidence: [],
        });
        done.push(`closure ${task.upper.label}`);
      }
    } catch (error) {
      log.warn(`${child.name}的办理情况未能报送${parent.name}(${task.upper.label}):${(error as Error).message}`);
    }
  }
  return done;
}

/** An organisation below, as the chain view reads it. */
interface Below {
  id: string;
  name: string;
  parent: string | undefined;
  store: Store;
}

/**
 * A task of organisation `orgId` in the organisations below it: how each decomposed it (or still
 * waits to), each unit's state (办理中/已办结, items past due on `today`, last report), and
 * further down — what the parent's task page shows as 下级分解.
 */
export function chainBelow(
  orgs: readonly Below[],
  orgId: string,
  taskId: string,
  today: string,
  depth = 0,
): ChainLink[] {
  if (depth > 5) return [];
  const links: ChainLink[] = [];
  for (const child of orgs) {
    if (child.parent !== orgId) continue;
    const cs = child.store.state.get();
    const task = cs.tasks.find((t) => t.upper?.org === orgId && t.upper.taskId === taskId);
    if (!task) continue;
    const records = cs.obligations[today.slice(0, 4)]?.[task.planId] ?? [];
    const parts = cs.assignments.filter(
      (a) => a.taskId === task.id && (a.status === 'active' || a.status === 'closed'),
    );
    links.push({
      org: { id: child.id, name: child.name },
      task: { id: task.id, label: taskLabel(task) },
      toDesignate: cs.assignments.some((a) => a.taskId === task.id && a.status === 'toDesignate'),
      parts: parts.map((a) => {
        const last = cs.lastReports[a.id];
        return {
          unitName: cs.units.find((u) => u.id === a.unitId)?.name ?? a.unitId,
          status: a.status,
          overdue: records.filter((o) => o.assignmentId === a.id && o.status === 'open' && o.due < today).length,
          ...(last ? { lastReport: { text: last.text, at: last.at } } : {}),
        };
      }),
      below: chainBelow(orgs, child.id, task.id, today, depth + 1),
    });
  }
  return links;
}

/**
 * The approvals the child gave while nobody carried them up (the server was down between the
 * child's commit and the step, or stopped): its ledger's approvals whose act is not in the
 * parent's ledger (each carries `cascade:<child>:<seq>`), carried up now. Read once, when the
 * host opens the child.
 */
export async function cascadeCatchUp(parent: Side, child: Side, unit: string | undefined, log: Log): Promise<string[]> {
  const tag = `cascade:${child.id}:`;
  const carried = new Set<string>();
  for await (const e of parent.store.ledger.read(1)) {
    const msgId = (e.payload as { msgId?: unknown } | undefined)?.msgId;
    if (typeof msgId === 'string' && msgId.startsWith(tag)) carried.add(msgId);
  }
  const missed: LedgerEvent[] = [];
  for await (const e of child.store.ledger.read(1))
    if (e.type === 'review.approved' && !carried.has(`${tag}${e.seq}`)) missed.push(e);
  return missed.length ? cascadeUp(parent, child, unit, missed, log) : [];
}

/** Each organisation directly below `orgId`: what it holds of `orgId`'s tasks and how far it is. */
export function summaryBelow(orgs: readonly Below[], orgId: string, today: string): OrgsSummary {
  return {
    orgs: orgs
      .filter((o) => o.parent === orgId)
      .map((o) => {
        const s = o.store.state.get();
        const handed = s.tasks.filter((t) => t.upper?.org === orgId);
        const ids = new Set(handed.map((t) => t.id));
        const mine = s.assignments.filter((a) => ids.has(a.taskId));
        const parts = mine.filter((a) => a.status === 'active' || a.status === 'closed');
        const late = new Set(
          Object.values(s.obligations[today.slice(0, 4)] ?? {})
            .flat()
            .filter((r) => ids.has(r.taskId) && r.status === 'open' && r.due < today)
            .map((r) => r.assignmentId),
        );
        return {
          id: o.id,
          name: o.name,
          handed: handed.length,
          toDesignate: new Set(mine.filter((a) => a.status === 'toDesignate').map((a) => a.taskId)).size,
          parts: parts.length,
          closed: parts.filter((a) => a.status === 'closed').length,
          overdue: parts.filter((a) => a.status === 'active' && late.has(a.id)).length,
        };
      }),
  };
}
