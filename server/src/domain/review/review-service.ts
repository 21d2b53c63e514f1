import { reportBackInDraft } from '../instructions/instructions.js';
import { taskLabel } from '../../../../shared/task-label.js';
import { own } from '../../model/own.js';
import type { Actor } from '../../model/ledger.js';
import type { RequestKind, RequestRecord, RequestState } from '../../../../shared/schemas/request.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { OutboundMessage } from '../../channels/channel.js';
import type { Clock } from '../../model/runtime.js';
import { AppError } from '../../errors.js';
import { completeTodosInDraft, noticeInDraft } from '../notices/notices.js';
import { actorOf, type Viewer } from '../../auth/viewer.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { appLink } from '../reminders/digest-text.js';
import { reopenInDraft } from '../obligations/fulfil.js';
import { itemName } from '../progress/item-name.js';
import { roleName } from '../plan/plan-queries.js';
import { findObligation, obligationsOfAssignment } from '../obligations/obligation-table.js';
import { handleOf } from '../../../../shared/schemas/person.js';

export type Decision = 'approve' | 'return';

export const KIND_NAME: Record<RequestKind, string> = {
  closure: '办结申请',
  extension: '延期申请',
  report: '进展报告',
};
const STATE_NAME: Record<RequestState, string> = {
  leaderPending: '待分管领导确认',
  pending: '待审核',
  approved: '审核通过',
  returned: '退回',
  withdrawn: '撤回',
};

export interface ReviewDeps {
  store: Store;
  clock: Clock;
  publicUrl: string;
}

export interface ReviewFilter {
  status?: RequestState | 'all';
  kind?: RequestKind;
  unitId?: string;
  taskId?: string;
}

/**
 * The 督考办's decisions on what units submit: 办结 and 延期 requests, and the reports the policy has
 * reviewed (年中督查报告, 年末自评报告). A decision is one transaction: the record's state, its
 * effect (an approved 延期 moves the item's due date everywhere; an approved 办结 closes the unit's
 * part of the task for the rest of the plan; a returned report opens its item again, exactly as it
 * was), a ledger event, and a work notification to the unit's contacts through the outbox.
 */
export class ReviewService {
  constructor(private readonly d: ReviewDeps) {}

  /** Records matching the filter: pending ones oldest first (who has waited longest), decided ones newest first. */
  list(filter: ReviewFilter = {}, state: Readonly<State> = this.d.store.state.get()): RequestRecord[] {
    const status = filter.status ?? 'pending';
    return Object.values(state.requests)
      .filter(
        (r) =>
          (status === 'all' || r.state === status) &&
          (!filter.kind || r.kind === filter.kind) &&
          (!filter.unitId || r.unitId === filter.unitId) &&
          (!filter.taskId || r.taskId === filter.taskId),
      )
      .sort((a, b) =>
        status === 'pending'
          ? a.seq - b.seq
          : (b.changedAt ?? b.createdAt).localeCompare(a.changedAt ?? a.createdAt) || b.seq - a.seq,
      );
  }

  /** The 督考办 decides: 通过 / 退回 (a report), 同意 / 不同意 (办结, 延期). */
  async decide(
    actor: Actor & { id: string },
    id: string,
    decision: Decision,
    comment: string | undefined,
    channel: 'miniapp' | 'api' = 'miniapp',
  ): Promise<RequestRecord> {
    return this.step(actor, id, decision, comment, channel, 'pending', () => undefined);
  }

  /**
   * The policy's first step: the unit's own 分管领导 confirms what the unit submitted (it goes on to
   * the 督考办) or returns it to the unit with a reason, as the 督考办 would.
   */
  async confirm(v: Viewer, id: string, decision: Decision, comment: string | undefined): Promise<RequestRecord> {
    return this.step(actorOf(v), id, decision, comment, 'miniapp', 'leaderPending', (r) => {
      if (!v.unitIds.has(r.unitId) || !v.person.roles.includes('leader'))
        throw new AppError('FORBIDDEN', '只能确认本单位提交的事项');
    });
  }

  /** What waits for this leader's confirmation: their units' submissions, oldest first. */
  awaitingLeader(v: Viewer, state: Readonly<State> = this.d.store.state.get()): RequestRecord[] {
    return Object.values(state.requests)
      .filter((r) => r.state === 'leaderPending' && v.unitIds.has(r.unitId))
      .sort((a, b) => a.seq - b.seq);
  }

  private async step(
    actor: Actor & { id: string },
    id: string,
    decision: Decision,
    comment: string | undefined,
    channel: 'miniapp' | 'api',
    from: 'pending' | 'leaderPending',
    check: (r: RequestRecord) => void,
  ): Promise<RequestRecord> {
    const text = comment?.trim() ?? '';
    await this.d.store.transact((draft, tx) => {
      const r = own(draft.requests, id);
      if (!r) throw new AppError('REVIEW_NOT_FOUND', `没有编号为 ${id} 的待审核事项`);
      if (r.state !== from) {
        const waiting =
          r.state === 'leaderPending' ? ',待本单位分管领导确认后再审核' : r.state === 'pending' ? ',已报送督考办' : '';
        throw new AppError(
          'REVIEW_DECIDED',
          `这份${KIND_NAME[r.kind]}${r.state === 'leaderPending' || r.state === 'pending' ? `${STATE_NAME[r.state]}${waiting}` : `已${STATE_NAME[r.state]}${r.changedAt ? `(${shanghaiDate(new Date(r.changedAt))})` : ''},不能再审核`}`,
        );
      }
      check(r);
      if (decision === 'return' && !text)
        throw new AppError('COMMENT_REQUIRED', `退回${r.kind === 'report' ? '' : '(不同意)'}时请写明理由,单位据此修改`);
      if (text.length > 500) throw new AppError('VALIDATION_FAILED', '审核意见请控制在 500 字以内');
      // a leader's 确认 passes it on to the 督考办; every other decision ends it
      const after = decision === 'return' ? 'returned' : from === 'leaderPending' ? 'pending' : 'approved';
      const base = {
        requestId: r.id,
        kind: r.kind,
        taskId: r.taskId,
        unitId: r.unitId,
        ...(text ? { comment: text } : {}),
        obligations: r.obligationIds,
        ...(r.until ? { until: r.until } : {}),
        before: from,
        after,
      };
      if (after === 'pending') {
        tx.append({ type: 'review.confirmed', actor, subject: { type: 'request', id: r.id }, channel, payload: base });
        r.state = 'pending';
        r.changedAt = tx.at.toISOString();
        r.changedBy = actor.id;
        return;
      }
      const seq = tx.append({
        type: `review.${after}`,
        actor,
        subject: { type: 'request', id: r.id },
        channel,
        payload: {
          ...base,
          ...(r.kind === 'closure' && after === 'approved' ? { closedAssignments: closedBy(draft, r) } : {}),
        },
      });
      this.applyInDraft(draft, r, decision, seq, tx.at, actor.id);
      r.state = after;
      r.changedAt = tx.at.toISOString();
      r.changedBy = actor.id;
      if (text) r.comment = text;
      else delete r.comment;
      this.notifyInDraft(draft, r, decision, tx.at, from === 'leaderPending' ? '单位分管领导' : '督考办');
      // a 领导批示件 whose every part is now 办结: its result goes back to the leader
      if (r.kind === 'closure' && after === 'approved') reportBackInDraft(draft, tx, r.taskId, this.d.publicUrl);
    });
    return this.d.store.state.get().requests[id]!;
  }

  private applyInDraft(draft: State, r: RequestRecord, decision: Decision, seq: number, at: Date, by: string): void {
    if (r.kind === 'extension' && decision === 'approve' && r.until) {
      for (const oid of r.obligationIds) {
        const o = findObligation(draft, oid);
        if (!o) continue;
        o.originalDue ??= o.due;
        o.due = r.until;
        o.seq = seq;
      }
    }
    if (r.kind === 'closure' && decision === 'approve') {
      for (const id of closedBy(draft, r)) {
        const a = draft.assignments.find((x) => x.id === id);
        if (a) a.status = 'closed';
        for (const o of obligationsOfAssignment(draft, id)) {
          if (o.status !== 'open') continue;
          Object.assign(o, { status: 'closed', seq, doneAt: at.toISOString(), by, action: 'closure' });
          completeTodosInDraft(draft, o.id, at);
        }
      }
    }
    if (r.kind === 'report' && decision === 'return') {
      for (const oid of r.obligationIds) {
        const o = findObligation(draft, oid);
        if (o && o.status === 'fulfilled') reopenInDraft(draft, o, seq);
      }
    }
  }

  /** The unit's contacts (and whoever filed it) hear of the decision at once. */
  private notifyInDraft(draft: State, r: RequestRecord, decision: Decision, at: Date, by: string): void {
    const task = draft.tasks.find((t) => t.id === r.taskId);
    const today = shanghaiDate(at);
    const year = Number(today.slice(0, 4));
    const labels = r.obligationIds
      .map((id) => findObligation(draft, id))
      .filter((o) => o !== undefined)
      .map((o) => itemName(o, year));
    const taskName = task ? taskLabel(task) : '任务';
    const result = resultText(r, decision, labels, today);
    const title = `${by}审核结果 · ${taskName}`;
    const message: OutboundMessage = {
      kind: 'actionCard',
      title,
      markdown: [
        `### ${title}`,
        `**${taskName}** ${task ? (task.title.length > 30 ? `${task.title.slice(0, 29)}…` : task.title) : ''}`,
        `- ${KIND_NAME[r.kind]}(${cnDate(r.createdAt.slice(0, 10), today)}提交)${labels.length ? `:${labels.slice(0, 3).join('、')}${labels.length > 3 ? ` 等 ${labels.length} 项` : ''}` : ''}`,
        `- 结果:${result}`,
        ...(r.comment ? [`- 意见:${r.comment}`] : []),
      ].join('\n'),
      buttons: [
        {
          title: decision === 'return' && r.kind === 'report' ? '去修改并重新报送' : '查看详情',
          url: appLink(this.d.publicUrl, r.taskId),
        },
      ],
    };
    // an approved 办结 of a 牵头单位 closes its 配合单位' parts too: their contacts hear of it as well
    const units = new Set(
      decision === 'approve' && r.kind === 'closure'
        ? draft.assignments
            .filter((a) => a.taskId === r.taskId && a.status === 'closed')
            .map((a) => a.unitId)
            .concat(r.unitId)
        : [r.unitId],
    );
    const people = draft.people.filter(
      (p) => p.id === r.requester.id || (p.roles.includes('contact') && p.unitIds.some((u) => units.has(u))),
    );
    for (const p of people) {
      noticeInDraft(
        draft,
        {
          key: `decision:${r.id}:${p.id}`,
          personId: p.id,
          userId: handleOf(p),
          kind: 'decision',
          message,
          tasks: [r.taskId],
          obligations: r.obligationIds,
          date: today,
        },
        at,
      );
    }
  }
}

/**
 * The parts an approved 办结 closes: the unit's own, and — when it is the task's 牵头单位 (△) —
 * its 配合单位' parts too (their work is credited to the lead's completion).
 */
export function closedBy(state: Readonly<State>, r: Pick<RequestRecord, 'assignmentId' | 'taskId'>): string[] {
  const own = state.assignments.find((a) => a.id === r.assignmentId);
  const task = state.tasks.find((t) => t.id === r.taskId);
  if (!own || !task) return [r.assignmentId];
  const all = state.assignments.filter(
    (a) => a.taskId === r.taskId && a.status !== 'toDesignate' && a.status !== 'designated',
  );
  if (roleName(task, own, all) !== '牵头单位') return [own.id];
  return [own.id, ...all.filter((a) => a.role === 'co' && a.status === 'active').map((a) => a.id)];
}

/** What the decision means for the unit, in words. */
export function resultText(
  r: Pick<RequestRecord, 'kind' | 'until' | 'previousDue'>,
  decision: Decision,
  labels: readonly string[],
  today: string,
): string {
  const item = labels[0] ? `"${labels[0]}"` : '该事项';
  if (r.kind === 'report') return decision === 'approve' ? '审核通过' : '退回,请按意见修改后重新报送';
  if (r.kind === 'extension')
    return decision === 'approve'
      ? `同意延期,${item}截止日期改为 ${cnDate(r.until ?? today, today)}`
      : `不同意延期,${item}仍于 ${cnDate(r.previousDue ?? today, today)}截止`;
  return decision === 'approve' ? '同意办结,本单位这项任务已办结,不再提醒' : '不同意办结,请继续推进';
}
