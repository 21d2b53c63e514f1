import { payloadOf } from '../../model/ledger-events.js';
import type { LedgerEvent } from '../../model/ledger.js';
import type { State } from '../../model/state.js';

/** Where the state says something its ledger does not. */
export interface StateProblem {
  what: 'obligation' | 'request' | 'assessment';
  id: string;
  message: string;
}

const FULFILS = new Set(['obligation.acknowledged', 'obligation.reported', 'obligation.approved']);
const REOPENS = new Set(['obligation.acknowledgeUndone', 'obligation.reopenedLate']);

/** The status an obligation has right after `e`, the event its record names as its last change; undefined: `e` says nothing of it. */
function statusAfter(e: LedgerEvent, id: string): string | undefined {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  if (FULFILS.has(e.type)) return p.obligationId === id ? 'fulfilled' : undefined;
  if (REOPENS.has(e.type)) return p.obligationId === id ? 'open' : undefined;
  if (e.type === 'progress.refiled') return p.from === id ? 'open' : undefined;
  if (e.type === 'obligations.materialised' && Array.isArray(p.obligations)) {
    const o = (p.obligations as Array<{ id?: string; status?: string }>).find((x) => x.id === id);
    return o ? (o.status ?? 'open') : undefined;
  }
  return undefined;
}

/**
 * Checks the state against its ledger (start-up, `ledger:verify`): each obligation's status is
 * the one its last recorded change gave it (a 签收 flipped to fulfilled by hand names an event that
 * did not fulfil it), each request was filed by the event its id names and is in the state its
 * last decision left it, each published 考评 was published. One pass over the ledger, reading
 * only the events the state names. Empty when the state is what the ledger implies.
 */
export async function checkStateAgainstLedger(
  state: Readonly<State>,
  ledger: { read(fromSeq?: number): AsyncIterable<LedgerEvent> },
): Promise<StateProblem[]> {
  const problems: StateProblem[] = [];
  const wanted = new Set<number>();
  const obligations = Object.values(state.obligations).flatMap((byPart) => Object.values(byPart).flat());
  for (const o of obligations) if (o.seq > 0) wanted.add(o.seq);
  const requests = Object.values(state.requests);
  for (const r of requests) wanted.add(Number(r.id.slice(1)));
  const at = new Map<number, LedgerEvent>();
  const lastDecision = new Map<string, LedgerEvent>();
  const published = new Set<number>();
  for await (const e of ledger.read()) {
    if (wanted.has(e.seq)) at.set(e.seq, e);
    if (e.subject.type === 'request' && (e.type.startsWith('review.') || e.type === 'request.withdrawn'))
      lastDecision.set(e.subject.id, e);
    const publishedYear = payloadOf(e, 'assessment.published')?.year;
    if (publishedYear !== undefined) published.add(publishedYear);
  }
  for (const o of obligations) {
    if (o.seq === 0) continue;
    const e = at.get(o.seq);
    if (!e) {
      problems.push({ what: 'obligation', id: o.id, message: `记录的最后变更(台账第 ${o.seq} 条)在台账中不存在` });
      continue;
    }
    const implied = statusAfter(e, o.id);
    if (implied !== undefined && implied !== o.status && !(implied === 'fulfilled' && o.status === 'closed'))
      problems.push({
        what: 'obligation',
        id: o.id,
        message: `状态为"${o.status}",但台账第 ${o.seq} 条(${e.type})使其为"${implied}"`,
      });
  }
  for (const r of requests) {
    const filed = at.get(Number(r.id.slice(1)));
    if (
      !filed ||
      (filed.subject.id !== r.assignmentId &&
        (filed.payload as { assignmentId?: unknown })?.assignmentId !== r.assignmentId)
    ) {
      problems.push({ what: 'request', id: r.id, message: '台账中没有提交这份申请的记录' });
      continue;
    }
    const d = lastDecision.get(r.id);
    const implied = d
      ? d.type === 'request.withdrawn'
        ? 'withdrawn'
        : d.type === 'review.confirmed'
          ? 'pending'
          : d.type.slice(7)
      : undefined;
    if (implied !== undefined && implied !== r.state)
      problems.push({
        what: 'request',
        id: r.id,
        message: `状态为"${r.state}",但台账最后的处理(第 ${d!.seq} 条 ${d!.type})使其为"${implied}"`,
      });
  }
  for (const [year, a] of Object.entries(state.assessments ?? {}))
    if (a.status !== 'draft' && !published.has(Number(year)))
      problems.push({ what: 'assessment', id: year, message: `标为已公布,但台账中没有 ${year} 年考评公布的记录` });
  return problems;
}

/** The first few problems in one line each, for an operator. */
export function describeProblems(problems: readonly StateProblem[], max = 5): string {
  const what = { obligation: '事项', request: '申请', assessment: '考评' } as const;
  const lines = problems.slice(0, max).map((p) => `${what[p.what]} ${p.id}:${p.message}`);
  return `${lines.join(';')}${problems.length > max ? ` 等共 ${problems.length} 处` : ''}`;
}
