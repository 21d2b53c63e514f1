import type { Actor } from '../../model/ledger.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import type { ReminderPolicy } from '../policy/policy.js';
import type { Store } from '../../store/ports.js';
import { findObligation } from './obligation-table.js';

/**
 * When a year's 考评 is final its open items close as 未完成 (as scored): they leave the digests, 我的
 * 任务 and what a report may answer. The 督考办 may reopen one so its unit can still report late on
 * it — recorded with the reason, chased again like any open item. The score stays as final (a
 * change of points is a recorded 考评 adjustment).
 */
export async function reopenLate(
  store: Store,
  actor: Actor & { id: string },
  obligationId: string,
  reason: string,
  policy?: Pick<ReminderPolicy, 'yearClose'>,
): Promise<{ obligationId: string; year: number }> {
  const { result } = await store.transact((draft, tx) => {
    const o = findObligation(draft, obligationId);
    if (!o) throw new AppError('NOT_FOUND', '没有这个事项,或它的年度已不在系统中(请查阅台账)');
    if (o.status !== 'open') throw new AppError('CONFLICT', '这个事项已完成或已免报,不需要重新打开');
    const on = policy?.yearClose?.on;
    const closedByDate = on !== null && on !== undefined && shanghaiDate(tx.at) >= `${o.year + 1}-${on}`;
    if (draft.assessments?.[String(o.year)]?.status !== 'final' && !closedByDate)
      throw new AppError('CONFLICT', `${o.year} 年尚未关闭(考评未定稿),这个事项仍在督办中`);
    const reopened = (draft.reopenedItems ??= []);
    if (reopened.includes(o.id)) return { obligationId: o.id, year: o.year };
    tx.append({
      type: 'obligation.reopenedLate',
      actor,
      subject: { type: 'assignment', id: o.assignmentId },
      channel: 'miniapp',
      payload: { obligationId: o.id, year: o.year, reason },
    });
    reopened.push(o.id);
    return { obligationId: o.id, year: o.year };
  });
  return result;
}
