import type { RequestRecord } from '../../../../shared/schemas/request.js';
import type { ReviewItem } from '../../../../shared/schemas/workbench.js';
import type { SessionTokens } from '../../auth/session-tokens.js';
import type { State } from '../../model/state.js';
import { itemName } from '../progress/progress-service.js';
import { evidenceKind } from '../progress/task-timeline.js';
import { resultText } from './review-service.js';
import { findObligation } from '../obligations/obligation-table.js';

/** A review record as the workbench shows it: names, items with their due dates now, evidence links for the viewer. */
export function reviewItem(
  s: Readonly<State>,
  r: RequestRecord,
  sessions: SessionTokens,
  viewerId: string,
  today: string,
): ReviewItem {
  const year = Number(today.slice(0, 4));
  const task = s.tasks.find((t) => t.id === r.taskId);
  const items = r.obligationIds.map((id) => {
    const o = findObligation(s, id);
    return {
      obligationId: id,
      label: o ? itemName(o, year) : id.split(':').slice(1).join(' '),
      due: o?.due ?? r.previousDue ?? r.createdAt.slice(0, 10),
    };
  });
  const decided = r.state === 'approved' || r.state === 'returned';
  const labels = items.map((i) => i.label);
  return {
    id: r.id,
    kind: r.kind,
    status: r.state,
    assignmentId: r.assignmentId,
    taskId: r.taskId,
    unitId: r.unitId,
    submittedAt: r.createdAt,
    unit: { id: r.unitId, name: s.units.find((u) => u.id === r.unitId)?.name ?? r.unitId },
    task: task
      ? { id: task.id, kind: task.kind, number: task.number, title: task.title }
      : { id: r.taskId, kind: 'key', number: 0, title: r.taskId },
    items,
    text: r.text,
    ...(r.until ? { until: r.until } : {}),
    ...(r.previousDue ? { previousDue: r.previousDue } : {}),
    late: r.late,
    requester: r.requester,
    channel: r.channel,
    evidence: r.evidence.map((e) => ({
      ...e,
      kind: evidenceKind(e),
      ...sessions.evidenceUrls(e.sha256, viewerId, evidenceKind(e)),
    })),
    ...(r.changedAt ? { decidedAt: r.changedAt } : {}),
    ...(r.changedBy ? { decidedBy: s.people.find((p) => p.id === r.changedBy)?.name ?? r.changedBy } : {}),
    ...(r.comment ? { comment: r.comment } : {}),
    effect: decided
      ? resultText(r, r.state === 'approved' ? 'approve' : 'return', labels, today)
      : r.state === 'withdrawn'
        ? '单位已撤回'
        : r.state === 'leaderPending'
          ? '确认后报送区督考办审核'
          : `通过后:${resultText(r, 'approve', labels, today)}`,
  };
}
