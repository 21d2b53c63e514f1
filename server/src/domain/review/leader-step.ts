import { taskLabel } from '../../../../shared/task-label.js';
import type { RequestKind, RequestRecord } from '../../../../shared/schemas/request.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { noticeInDraft } from '../notices/notices.js';
import type { State } from '../../model/state.js';
import { itemName } from '../progress/item-name.js';
import { findObligation } from '../obligations/obligation-table.js';
import { handleOf } from '../../../../shared/schemas/person.js';

const NAME: Record<RequestKind, string> = { closure: '办结申请', extension: '延期申请', report: '进展报告' };

/**
 * The policy's two-step review: what a unit submits waits for its own 分管领导 (a leader of the
 * unit) to confirm before it reaches the 督考办. The leaders hear of it at once, with a link to
 * the confirmation list.
 */
export function askLeadersInDraft(draft: State, r: RequestRecord, publicUrl: string): void {
  const task = draft.tasks.find((t) => t.id === r.taskId);
  const today = shanghaiDate(new Date(r.createdAt));
  const year = Number(today.slice(0, 4));
  const labels = r.obligationIds
    .map((id) => findObligation(draft, id))
    .filter((o) => o !== undefined)
    .map((o) => itemName(o, year));
  const unit = draft.units.find((u) => u.id === r.unitId)?.name ?? r.unitId;
  const taskName = task ? taskLabel(task) : '任务';
  const title = `待您确认 · ${taskName}${NAME[r.kind]}`;
  const markdown = [
    `### ${title}`,
    `${unit}${r.requester.name ? ` ${r.requester.name}` : ''}提交了**${taskName}**的${NAME[r.kind]}${labels.length ? `(${labels.join('、')})` : ''}${r.until ? `,申请延至 ${cnDate(r.until, today)}` : ''}:`,
    '',
    r.text.length > 120 ? `${r.text.slice(0, 119)}…` : r.text,
    '',
    '确认后报送区督考办审核。',
  ].join('\n');
  for (const p of draft.people) {
    if (!p.roles.includes('leader') || !p.unitIds.includes(r.unitId)) continue;
    noticeInDraft(
      draft,
      {
        key: `confirm:${r.id}:${p.id}`,
        personId: p.id,
        userId: handleOf(p),
        kind: 'decision',
        message: {
          kind: 'actionCard',
          title,
          markdown,
          buttons: [{ title: '去确认', url: `${publicUrl}/app/#/reviews` }],
        },
        tasks: [r.taskId],
        obligations: r.obligationIds,
        date: today,
      },
      new Date(r.createdAt),
    );
  }
}
