import { eventOf, type EventInput } from '../model/ledger-events.js';
import type { StoredEvidence } from '../evidence/evidence-store.js';
import { AppError } from '../errors.js';
import type { State } from '../model/state.js';
import { done, text, type BotKit, type Turn } from './bot-kit.js';

/**
 * Pictures and files sent to the bot: downloaded, checked, stored by content, and attached to
 * what the person filed in the last half hour — else kept for their next report.
 */
export async function receiveFiles(turn: Turn, kit: BotKit): Promise<void> {
  const { d, conversation } = kit;
  const { event, person, send } = turn;
  const record = <T extends 'bot.fileReceived' | 'evidence.attached' | 'evidence.received'>(
    type: T,
    payload: Omit<EventInput<T>, 'msgId'>,
    apply?: (draft: State) => void,
  ) =>
    d.store.transact((draft, tx) => {
      tx.append(
        eventOf(
          type,
          {
            actor: { type: 'person', id: person.id, name: person.name },
            subject: { type: 'botMessage', id: event.msgId },
            channel: 'bot',
          },
          { msgId: event.msgId, ...payload } as EventInput<T>,
        ),
      );
      apply?.(draft);
    });
  if (!d.evidence) {
    await record('bot.fileReceived', {
      files: event.files.map((f) => ({ kind: f.kind, fileName: f.fileName ?? null })),
    });
    return send(text('已收到文件并记入台账,请在督办通应用的"填报进展"中上传佐证材料。'));
  }
  const stored: StoredEvidence[] = [];
  for (const f of event.files) {
    try {
      const file = await d.channel.downloadBotFile(f.downloadCode);
      stored.push(await d.evidence.put(file.bytes, f.fileName ?? (f.kind === 'picture' ? '图片.jpg' : '文件')));
    } catch (error) {
      if (error instanceof AppError) return send(text(`这个文件没有收下:${error.message}`));
      throw error;
    }
  }
  const files = stored.map(({ sha256, mime, size, name }) => ({ sha256, mime, size, name }));
  const what = stored.map((s) => (s.kind === 'image' ? '图片' : s.name)).join('、');
  const filed = conversation.recentlyFiled(person.id);
  if (filed) {
    const on = filed.kind === 'report' ? '进展' : filed.kind === 'closure' ? '办结申请' : '延期申请';
    await record(
      'evidence.attached',
      {
        files,
        taskId: filed.taskId,
        assignmentId: filed.assignmentId,
        to: filed.kind,
        toSeq: filed.seq,
        ...(filed.requestId ? { requestId: filed.requestId } : {}),
      },
      (draft) => {
        if (filed.requestId) kit.progress.attachToRequestInDraft(draft, filed.requestId, files);
      },
    );
    return send(done(d.publicUrl, `已将${what}附在重点任务${filed.task}的${on}上。`, filed.taskId));
  }
  // right after a message that was refused or asked back, the files are not assumed to be for anything: asked
  const held = conversation.recentlyUnanswered(person.id);
  await record('evidence.received', { files, ...(held ? { held: true } : {}) }, (draft) =>
    conversation.keepInDraft(draft, person.id, files, held),
  );
  if (held) {
    const open: Array<{ number: number; planId: string; taskId: string }> = [];
    for (const o of kit.progress.openFor(person.unitIds))
      if (o.task.kind === 'key' && !open.some((t) => t.taskId === o.task.id))
        open.push({ number: o.task.number, planId: o.task.planId, taskId: o.task.id });
    const n = conversation.waiting(person.id).length;
    return send({
      kind: 'actionCard',
      title: '文件附到哪项任务?',
      markdown: `已收到${what}。这 ${n} 个文件附到哪项任务?(上一条消息没有办理成功,所以没有自动附上;30 分钟内有效)`,
      buttons: open.slice(0, 5).map((t) => {
        const tag = kit.planTag(t);
        return { title: `附到 ${kit.taskLabel(t)}`, say: `附到 ${t.number}${tag ? ` ${tag}` : ''}` };
      }),
    });
  }
  return send(text(`已收到${what}。请回复"进展 编号 内容",${stored.length > 1 ? '这些文件' : '它'}会附在这条进展上。`));
}
