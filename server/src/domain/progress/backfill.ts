import type { LedgerEvent } from '../../model/ledger.js';
import type { RequestRecord } from '../../../../shared/schemas/request.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';

type P = Record<string, unknown>;

/**
 * After the 4 → 5 migration: what version 4 kept only as ledger text becomes records — each
 * assignment's last report, and the 办结/延期 requests (pending: nothing decided them then). One
 * pass over the ledger, one transaction; nothing to do on a state that was never version 4.
 */
export async function backfillFromLedger(store: Store): Promise<{ reports: number; requests: number }> {
  if (!store.state.get().backfill) return { reports: 0, requests: 0 };
  const s = store.state.get();
  const byId = new Map(s.assignments.map((a) => [a.id, a]));
  const keyTask = (n: unknown) =>
    typeof n === 'number'
      ? s.tasks.find((t) => t.planId === s.activePlanId && t.kind === 'key' && t.number === n)
      : undefined;
  /** The assignment an old event was about: its subject, or (bot) the task and unit it named. */
  const assignmentOf = (e: LedgerEvent): State['assignments'][number] | undefined => {
    if (e.subject.type === 'assignment') return byId.get(e.subject.id);
    const p = (e.payload ?? {}) as P;
    const taskId = typeof p.taskId === 'string' ? p.taskId : keyTask(p.task)?.id;
    const unitId = typeof p.unitId === 'string' ? p.unitId : undefined;
    return taskId && unitId ? s.assignments.find((a) => a.taskId === taskId && a.unitId === unitId) : undefined;
  };
  const reports = new Map<string, State['lastReports'][string]>();
  const requests = new Map<string, RequestRecord>();
  for await (const e of store.ledger.read()) {
    if (e.type !== 'progress.reported' && e.type !== 'closure.requested' && e.type !== 'extension.requested') continue;
    const a = assignmentOf(e);
    if (!a) continue;
    const p = (e.payload ?? {}) as P;
    if (e.type === 'progress.reported') {
      const obligation =
        Array.isArray(p.obligations) && typeof p.obligations[0] === 'string' ? p.obligations[0] : undefined;
      reports.set(a.id, {
        seq: e.seq,
        at: e.at,
        text: String(p.text ?? ''),
        ...(obligation ? { obligationId: obligation } : {}),
      });
      continue;
    }
    const kind = e.type === 'closure.requested' ? 'closure' : 'extension';
    // a later request of the same kind supersedes an earlier one (version 4 kept no state)
    for (const [id, r] of requests) if (r.assignmentId === a.id && r.kind === kind) requests.delete(id);
    const until = typeof p.until === 'string' ? p.until : undefined;
    requests.set(`R${e.seq}`, {
      id: `R${e.seq}`,
      kind,
      state: 'pending',
      planId: a.planId,
      assignmentId: a.id,
      taskId: a.taskId,
      unitId: a.unitId,
      obligationIds: typeof p.obligationId === 'string' ? [p.obligationId] : [],
      ...(until ? { until } : {}),
      ...(typeof p.before === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p.before) ? { previousDue: p.before } : {}),
      text: String(p.text ?? p.reason ?? ''),
      evidence: Array.isArray(p.evidence)
        ? (p.evidence as RequestRecord['evidence']).filter((f) => typeof f?.sha256 === 'string')
        : [],
      requester: { id: e.actor.id ?? 'unknown', ...(e.actor.name ? { name: e.actor.name } : {}) },
      channel: e.channel === 'bot' ? 'bot' : e.channel === 'api' ? 'api' : 'miniapp',
      late: false,
      createdAt: e.at,
      seq: e.seq,
    });
  }
  await store.transact((draft) => {
    for (const [id, r] of reports) draft.lastReports[id] ??= r;
    for (const [id, r] of requests) draft.requests[id] ??= r;
    delete draft.backfill;
  });
  return { reports: reports.size, requests: requests.size };
}
