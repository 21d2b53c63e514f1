import { AppError, isServerSide } from '../../errors.js';
import { text, type BotKit, type Listener, type Turn } from '../bot-kit.js';
import { acting } from './acting.js';

/** The sender's units' key tasks with something open, most urgent first, each once. */
function openTasks(
  turn: Turn,
  kit: BotKit,
  kind?: 'acknowledge',
): Array<{ number: number; title: string; planId: string; taskId: string }> {
  const seen = new Set<string>();
  const out: Array<{ number: number; title: string; planId: string; taskId: string }> = [];
  for (const o of kit.progress.openFor(turn.person.unitIds)) {
    if (kind && o.obligation.kind !== kind) continue;
    if (o.task.kind !== 'key' || seen.has(o.task.id)) continue;
    seen.add(o.task.id);
    out.push({ number: o.task.number, title: o.task.title, planId: o.task.planId, taskId: o.task.id });
  }
  return out;
}

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** 收到 with no task: what is open to sign, one tap each (words alone never sign). */
export const ackWhich: Listener<'ackWhich'> = async (_c, turn, kit) => {
  const open = openTasks(turn, kit, 'acknowledge');
  if (open.length === 0) return turn.send(text('好的。您的单位目前没有需要签收的任务;回复"我的任务"查看待办。'));
  const label = (t: (typeof open)[number]) => kit.taskLabel(t);
  const tag = (t: (typeof open)[number]) => (kit.planTag(t) ? ` ${kit.planTag(t)}` : '');
  return turn.send({
    kind: 'actionCard',
    title: '签收哪项任务?',
    markdown: `您的单位有 ${open.length} 项任务待签收:${open
      .slice(0, 8)
      .map((t) => label(t))
      .join('、')}${open.length > 8 ? ' 等' : ''}。点下面签收:`,
    buttons: [
      ...(open.length > 1 ? [{ title: `签收全部(${open.length} 项)`, say: '全部收到' }] : []),
      ...open.slice(0, 4).map((t) => ({ title: `签收 ${label(t)}`, say: `收到 ${t.number}${tag(t)}` })),
    ],
  });
};

/** 1、3、5收到 · 收到1-5: each task signed, one reply saying what was and what was not. */
export const ackMany: Listener<'ackMany'> = async (command, turn, kit) => {
  const done: string[] = [];
  const already: string[] = [];
  const refused: string[] = [];
  const acts: Array<ReturnType<typeof acting>> = [];
  for (const task of command.tasks) {
    try {
      acts.push(acting(turn, kit, task));
    } catch (error) {
      if (!(error instanceof AppError) || isServerSide(error)) throw error;
      kit.d.onRefusal?.(error.code, error.message);
      refused.push(error.message);
    }
  }
  // every task signed in one write
  const signed = new Set((await kit.progress.acknowledgeMany(acts)).assignmentIds);
  for (const f of acts) (signed.has(f.assignment.id) ? done : already).push(kit.taskLabel(f.assignment));
  const lines = [
    done.length ? `已签收:${done.join('、')}。` : '',
    already.length ? `${already.join('、')}目前没有需要签收的事项。` : '',
    ...refused,
  ].filter(Boolean);
  return turn.send(text(lines.join('\n')));
};

const WORD = { progress: '进展', complete: '完成', extend: '延期', noChange: '无变化', withdraw: '撤回' } as const;
const WHAT = {
  progress: '报送这条进展',
  complete: '申请办结',
  extend: '申请延期',
  noChange: '报"无变化"',
  withdraw: '撤回申请',
} as const;

/**
 * The intent is clear, the task is not: a task named by its own title ("公文减量") is that task;
 * otherwise the question, with one-tap buttons that carry what was understood (the text, the date).
 */
export const whichTask: Listener<'whichTask'> = async (command, turn, kit) => {
  // a report right after a reminder that named one task: offered as that task's, one tap to confirm
  if (command.intent === 'progress' && kit.conversation.remindedTask(turn.person.id) !== undefined)
    return kit.dispatch({ kind: 'unknown', text: command.text }, turn);
  const open = openTasks(turn, kit);
  const message = turn.event.text ?? '';
  // the task's own words: a 4-character run of one open task's title in the message names it
  const named = open.filter((t) => {
    const title = t.title.replace(/[\s,,、。;;::“”"()()]/g, '');
    for (let i = 0; i + 4 <= title.length; i += 1) if (message.includes(title.slice(i, i + 4))) return true;
    return false;
  });
  const words = (n: number, t: { planId: string }) => {
    const tag = kit.planTag(t) ? ` ${kit.planTag(t)}` : '';
    const tail = [command.dateText, command.text].filter(Boolean).join(' ');
    return `${WORD[command.intent]} ${n}${tail ? ` ${short(tail, 150)}` : ''}${tag}`;
  };
  if (named.length === 1 && command.intent !== 'extend')
    return kit.dispatch(
      command.intent === 'progress'
        ? { kind: 'progress', task: named[0]!.number, text: command.text }
        : command.intent === 'complete'
          ? { kind: 'complete', task: named[0]!.number, text: command.text }
          : { kind: command.intent, task: named[0]!.number },
      turn,
    );
  if (open.length === 0)
    return turn.send(
      text(`请写明任务编号,例如:${WORD[command.intent]} 8${command.text ? ` ${short(command.text, 30)}` : ''}`),
    );
  const candidates = named.length > 1 ? named : open;
  return turn.send({
    kind: 'actionCard',
    title: `${WHAT[command.intent]}:哪项任务?`,
    markdown: `要为哪项任务${WHAT[command.intent]}?${command.text ? `\n\n> ${short(command.text, 200)}` : ''}${
      command.dateText ? `\n\n延期到:${command.dateText}` : ''
    }\n\n点下面选择任务(也可以回复"${WORD[command.intent]} 编号 …"):`,
    buttons: candidates
      .slice(0, 5)
      .map((t) => ({ title: `${kit.taskLabel(t)} ${short(t.title, 12)}`, say: words(t.number, t) })),
  });
};

/**
 * 附到 8: the files waiting after a refused or unanswered message belong to task 8 — attached at
 * once to a report on it filed in the last half hour, else to the next one.
 */
export const attach: Listener<'attach'> = async (command, turn, kit) => {
  const f = acting(turn, kit, command.task, command.unit);
  const files = kit.conversation.waiting(turn.person.id);
  if (files.length === 0) return turn.send(text('没有待附的文件(超过 30 分钟的已失效),请重新发送。'));
  const name = kit.taskLabel(f.assignment);
  const filed = kit.conversation.recentlyFiled(turn.person.id);
  if (filed && filed.kind === 'report' && filed.assignmentId === f.assignment.id) {
    const list = files.map(({ sha256, mime, size, name: n }) => ({ sha256, mime, size, name: n }));
    await kit.d.store.transact((draft, tx) => {
      tx.append({
        type: 'evidence.attached',
        actor: { type: 'person', id: turn.person.id, name: turn.person.name },
        subject: { type: 'botMessage', id: turn.event.msgId },
        channel: 'bot',
        payload: {
          msgId: turn.event.msgId,
          files: list,
          taskId: filed.taskId,
          assignmentId: filed.assignmentId,
          to: 'report',
          toSeq: filed.seq,
        },
      });
      const c = draft.botContext[turn.person.id];
      if (c) c.pending = [];
    });
    return turn.send(text(`已将 ${files.length} 个文件附在${name}刚报送的进展上。`));
  }
  await kit.conversation.assign(turn.person.id, command.task);
  return turn.send(text(`好的,${files.length} 个文件会附在${name}的下一条进展上。请回复"进展 ${command.task} 内容"。`));
};
