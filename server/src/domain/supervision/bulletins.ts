import { isEvaluationRectification } from '../evaluation/evaluations.js';
import { taskLabel } from '../../../../shared/task-label.js';
import type { Bulletin } from '../../../../shared/schemas/bulletin.js';
import type { Actor } from '../../model/ledger.js';
import type { ObligationRecord } from '../../model/obligation.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import { cardToEach, unitPeople } from '../notices/notices.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import type { BookRules } from '../obligations/obligation-book.js';
import { addManualInDraft } from '../obligations/manual-obligations.js';
import { storedObligations } from '../obligations/obligation-table.js';

const NAME = { praise: '通报表扬', criticism: '通报批评', interview: '约谈' } as const;

/** Whether an item is a 整改 a 通报批评 opened (its report waits for the 督考办's approval). */
export function isRectification(state: Readonly<State>, o: Pick<ObligationRecord, 'kind' | 'period'>): boolean {
  return (
    o.kind === 'manual' &&
    o.period !== undefined &&
    (Object.values(state.bulletins ?? {}).some((b) => b.rectification?.manualIds.includes(o.period!)) ||
      isEvaluationRectification(state, o.period))
  );
}

/** Units whose 整改 for a bulletin is done: its report filed and approved. */
export function rectified(state: Readonly<State>, b: Bulletin): string[] {
  if (!b.rectification) return [];
  const ids = new Set(b.rectification.manualIds);
  const done = storedObligations(state).filter(
    (o) => o.kind === 'manual' && o.period !== undefined && ids.has(o.period) && o.status === 'fulfilled',
  );
  return done
    .filter((o) => {
      const reviews = Object.values(state.requests).filter(
        (r) => r.kind === 'report' && r.obligationIds.includes(o.id),
      );
      return (
        reviews.length > 0 &&
        reviews.every((r) => r.state === 'approved' || r.state === 'returned') &&
        reviews.some((r) => r.state === 'approved')
      );
    })
    .map((o) => o.unitId);
}

/**
 * 激励 and 问责. The 督考办 issues a 通报表扬 or 通报批评 of units citing ledger facts (they go out as
 * notices and count in the year's 考评), or records a 约谈. A 通报批评 opens a 整改 item for each unit
 * on the task, chased by the reminders until its 整改报告 is approved.
 */
export async function issueBulletin(
  d: { store: Store; rules: BookRules; publicUrl: string },
  actor: Actor & { id: string },
  input: {
    kind: Bulletin['kind'];
    unitIds: string[];
    taskId?: string | undefined;
    text: string;
    refs: number[];
    rectifyBy?: string | undefined;
    year?: number | undefined;
  },
): Promise<Bulletin> {
  const head = d.store.ledger.head().seq;
  const bad = input.refs.find((r) => r > head);
  if (bad !== undefined) throw new AppError('VALIDATION_FAILED', `台账中没有序号 ${bad} 的记录,通报只能引用已有的记录`);
  const { result } = await d.store.transact((draft, tx) => {
    const today = shanghaiDate(tx.at);
    const units = [...new Set(input.unitIds)];
    for (const id of units)
      if (!draft.units.some((u) => u.id === id)) throw new AppError('UNIT_NOT_FOUND', `没有编号为 ${id} 的单位`);
    const task = input.taskId ? draft.tasks.find((t) => t.id === input.taskId) : undefined;
    if (input.taskId && !task) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${input.taskId} 的任务`);
    if (input.kind === 'criticism') {
      if (!task) throw new AppError('VALIDATION_FAILED', '通报批评须指明任务(整改事项挂在该任务下)');
      if (!input.rectifyBy || input.rectifyBy <= today)
        throw new AppError('VALIDATION_FAILED', `请给出晚于今天(${today})的整改期限`);
    }
    // the year it is about: a 通报表扬 of 2019's work issued on 2020-01-06 counts in 2019's 考评
    const current = Number(today.slice(0, 4));
    const year = input.year ?? current;
    if (year !== current && year !== current - 1)
      throw new AppError('VALIDATION_FAILED', `通报只能计入 ${current - 1} 年或 ${current} 年的考评`);
    const assessed = draft.assessments?.[String(year)]?.status;
    if (assessed === 'final')
      throw new AppError(
        'VALIDATION_FAILED',
        `${year} 年的考评已定稿,通报不能再计入;如需调整分数,请在考评中"定稿后调整"并写明理由`,
      );
    const id = `B${Object.keys(draft.bulletins ?? {}).length + 1}`;
    const seq = tx.append({
      type: 'bulletin.issued',
      actor,
      subject: { type: 'bulletin', id },
      channel: 'miniapp',
      payload: {
        bulletinId: id,
        kind: input.kind,
        unitIds: units,
        ...(task ? { taskId: task.id } : {}),
        text: input.text,
        refs: input.refs,
        ...(input.rectifyBy ? { rectifyBy: input.rectifyBy } : {}),
        ...(year !== current ? { year } : {}),
      },
    });
    const b: Bulletin = {
      id,
      seq,
      kind: input.kind,
      year,
      unitIds: units,
      ...(task ? { taskId: task.id } : {}),
      text: input.text,
      refs: input.refs,
      createdBy: actor.id,
      createdAt: tx.at.toISOString(),
    };
    if (input.kind === 'criticism' && task && input.rectifyBy) {
      const manualId = addManualInDraft(
        draft,
        tx,
        d.rules,
        {
          taskId: task.id,
          unitIds: units,
          label: `整改报告:${input.text.length > 40 ? `${input.text.slice(0, 39)}…` : input.text}`,
          due: input.rectifyBy,
          opensOn: today,
        },
        actor,
        'miniapp',
      );
      b.rectification = { manualIds: [manualId], due: input.rectifyBy };
    }
    (draft.bulletins ??= {})[id] = b;
    if (input.kind !== 'interview') {
      const title = `${NAME[input.kind]} · ${cnDate(today)}`;
      const names = units.map((u) => draft.units.find((x) => x.id === u)?.name ?? u).join('、');
      const taskName = task ? taskLabel(task) : '';
      const markdown = [
        `### ${title}`,
        `${names}${taskName ? `(${taskName})` : ''}:`,
        '',
        input.text,
        ...(b.rectification
          ? ['', `请于 **${cnDate(b.rectification.due, today)}** 前报送整改报告,经督考办审核通过后销号。`]
          : []),
      ].join('\n');
      cardToEach(
        draft,
        unitPeople(draft, units),
        {
          key: (p) => `bulletin:${id}:${p.id}`,
          kind: 'decision',
          title,
          markdown: () => markdown,
          button: {
            title: '查看详情',
            url: `${d.publicUrl}/app/#/${task ? `tasks/${encodeURIComponent(task.id)}` : 'my'}`,
          },
          tasks: task ? [task.id] : [],
          date: today,
        },
        tx.at,
      );
    }
    return b;
  });
  return result;
}
