import { shanghaiDate } from '../../calendar/dates.js';
import { itemName } from '../../domain/progress/progress-service.js';
import { AppError } from '../../errors.js';
import { namedItem } from '../../../../shared/report-target.js';
import { botDate } from '../bot-dates.js';
import { done, type Listener } from '../bot-kit.js';
import { acting } from './acting.js';
import { findObligation } from '../../domain/obligations/obligation-table.js';

/** 完成 8 说明: a 办结 request (the 督考办 reviews it); files sent next attach to it. */
export const complete: Listener<'complete'> = async (command, turn, kit) => {
  const f = acting(turn, kit, command.task, command.unit);
  const r = await kit.progress.requestClosure(f, { text: command.text || '(未填写说明)', evidence: [] });
  await kit.conversation.filed(turn.person.id, f.assignment, command.task, 'closure', r.seq, r.id);
  return turn.send(
    done(
      kit.d.publicUrl,
      `已提交${kit.taskLabel(f.assignment)}的办结申请${r.late ? '(已过截止日期)' : ''},待督考办审核。可以接着发图片或文件作为佐证材料。`,
      f.assignment.taskId,
    ),
  );
};

/** 延期 8 6月30日 原因: an extension request for the nearest open item. */
export const extend: Listener<'extend'> = async (command, turn, kit) => {
  const f = acting(turn, kit, command.task, command.unit);
  const until = botDate(command.dateText, shanghaiDate(kit.d.clock.now()));
  if (!until)
    throw new AppError(
      'EXTENSION_DATE_INVALID',
      `没看懂日期"${command.dateText}",请写成 6月30日 或 ${kit.year()}-06-30。`,
    );
  // a reply to "which item?" names it: 延期 9 2019-03-31 事项:完成时限(…) 原因
  const named = /事项[::]\s*(\S+)\s*/.exec(command.reason);
  const reason = named ? command.reason.replace(named[0], '').trim() : command.reason;
  let obligationId: string | undefined;
  // the item in words (年中, 年末, 第二季度, 专项工作计划): that item, when it is one of those to extend
  if (!named) {
    const words = namedItem(turn.event.text ?? '');
    const items = kit.progress.extendable(f.assignment);
    const hit = items.filter(
      (o) =>
        (words.kind !== undefined && o.kind === words.kind) ||
        (words.period !== undefined && o.period === words.period) ||
        (o.kind === 'prose' && (turn.event.text ?? '').includes(o.label.slice(-6))),
    );
    if (hit.length === 1) obligationId = hit[0]!.id;
  }
  if (named) {
    const hit = kit.progress.extendable(f.assignment).find((o) => itemName(o, kit.year()) === named[1]);
    if (!hit)
      throw new AppError(
        'OBLIGATION_NOT_OPEN',
        `${kit.taskLabel(f.assignment)}没有可以延期的"${named[1]}"(已完成或不属于这项分工)。回复"详情 ${command.task}"查看本单位的事项。`,
      );
    obligationId = hit.id;
  }
  const tag = kit.planTag(f.assignment);
  const tagged = tag ? ` ${tag}` : '';
  let r;
  try {
    r = await kit.progress.requestExtension(f, { until, reason, ...(obligationId ? { obligationId } : {}) });
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'WHICH_ITEM') throw e;
    kit.d.onRefusal?.(e.code, e.message);
    // several items could be meant: ask which, one tap each (nothing is filed on a guess)
    return turn.send({
      kind: 'actionCard',
      title: `延期哪一项?`,
      markdown: `${kit.taskLabel(f.assignment)}有几个可以延期的事项,请点选要延至 ${until} 的一项:`,
      buttons: (e.details ?? []).map((d) => ({
        title: d.message,
        say: `延期 ${command.task} ${until} 事项:${d.message} ${reason}${tagged}`.trim(),
      })),
    });
  }
  await kit.conversation.filed(turn.person.id, f.assignment, command.task, 'extension', r.seq, r.id);
  const item = findObligation(kit.state(), r.obligationIds[0]!);
  return turn.send(
    done(
      kit.d.publicUrl,
      `已提交${kit.taskLabel(f.assignment)}的延期申请:"${item ? itemName(item, kit.year()) : '事项'}"由 ${r.previousDue} 延至 ${until}${r.late ? '(已过截止日期)' : ''},待督考办审核。`,
      f.assignment.taskId,
    ),
  );
};

/** 撤回 8: takes back the unit's pending 办结/延期 request (else says why the latest cannot be). */
export const withdraw: Listener<'withdraw'> = async (command, turn, kit) => {
  const f = acting(turn, kit, command.task, command.unit);
  const all = Object.values(kit.state().requests).filter(
    (r) => r.assignmentId === f.assignment.id && r.kind !== 'report',
  );
  const target =
    all.find((r) => r.state === 'pending' || r.state === 'leaderPending') ?? all.sort((a, b) => b.seq - a.seq)[0];
  if (!target) throw new AppError('REQUEST_NOT_FOUND', `${kit.taskLabel(f.assignment)}没有您单位提交的申请`);
  await kit.progress.withdraw(f, target.id);
  return turn.send(
    done(
      kit.d.publicUrl,
      `已撤回${kit.taskLabel(f.assignment)}的${target.kind === 'closure' ? '办结' : '延期'}申请。`,
      f.assignment.taskId,
    ),
  );
};
