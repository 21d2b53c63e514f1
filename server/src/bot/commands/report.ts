import { itemName } from '../../domain/progress/progress-service.js';
import { appLink } from '../../domain/reminders/digest-text.js';
import { done, text, type Listener } from '../bot-kit.js';
import { acting } from './acting.js';

/**
 * 进展 8 内容 / 无变化 8: a report on the item its words and date point to (shared/report-target.ts), with the files sent before it. The
 * reply names the item it answered and offers the unit's other items as one-tap 改报 buttons.
 */
export const report: Listener<'progress' | 'noChange'> = async (command, turn, kit) => {
  const { person, send } = turn;
  const f = acting(turn, kit, command.task, command.unit);
  const waiting = kit.conversation.pending(person.id, command.task);
  const noChange = command.kind === 'noChange';
  const r = await kit.progress.report(f, {
    text: noChange ? '' : command.text,
    noChange,
    evidence: waiting.map(({ sha256, mime, size, name }) => ({ sha256, mime, size, name })),
  });
  await kit.conversation.filed(person.id, f.assignment, command.task, 'report', r.seq);
  const held = kit.conversation.heldBack(person.id, command.task).length;
  const attached = `${waiting.length > 0 ? `已附上 ${waiting.length} 个文件。` : '可以接着发图片或文件作为佐证材料。'}${
    held > 0 ? `之前收到的 ${held} 个文件没有附上(不确定属于哪项任务);如属这项任务,回复"附到 ${command.task}"。` : ''
  }`;
  const taskId = f.assignment.taskId;
  const unit = person.unitIds.length > 1 ? ` ${kit.unitName(f.assignment.unitId)}` : '';
  // several plans at once: a tapped button names the plan, so it is not asked back
  const tag = kit.planTag(f.assignment);
  const tagged = tag ? ` ${tag}` : '';
  const targets = kit.progress.reportTargets(f.assignment).slice(0, 3);
  if (!r.answered) {
    const free = `已记录您对${kit.taskLabel(f.assignment)}的进展(一般进展,本期没有到期的报送事项)。${attached}`;
    if (targets.length === 0) return send(done(kit.d.publicUrl, free, taskId));
    // it answered none: if it was meant for an item (the 年末自评报告 …), one tap files it there
    return send({
      kind: 'actionCard',
      title: free.slice(0, 20),
      markdown: `${free}\n\n如果这条进展是报送某个事项,点下面报到该事项:`,
      buttons: [
        ...targets.map((o) => ({
          title: `报为:${itemName(o, kit.year())}`,
          say: `改报 ${command.task} ${itemName(o, kit.year())}${unit || tagged}`,
        })),
        { title: '查看任务详情', url: appLink(kit.d.publicUrl, taskId) },
      ],
    });
  }
  const others = targets;
  const sentence = `已报送:${kit.taskLabel(f.assignment)} ${r.answered.label}${noChange ? '(本期无变化)' : ''}。${attached}`;
  if (others.length === 0) return send(done(kit.d.publicUrl, sentence, taskId));
  return send({
    kind: 'actionCard',
    title: sentence.slice(0, 20),
    markdown: `${sentence}\n\n如果这条进展报的是别的事项,点下面改报:`,
    buttons: [
      ...others.map((o) => ({
        title: `改报:${itemName(o, kit.year())}`,
        say: `改报 ${command.task} ${itemName(o, kit.year())}${unit || tagged}`,
      })),
      { title: '查看任务详情', url: appLink(kit.d.publicUrl, taskId) },
    ],
  });
};

/** 改报 8 <item>: the last report on the task answers another open item instead. */
export const refile: Listener<'refile'> = async (command, turn, kit) => {
  const f = acting(turn, kit, command.task, command.unit);
  const last = kit.state().lastReports[f.assignment.id];
  const target = kit.progress.reportTargets(f.assignment).find((o) => itemName(o, kit.year()) === command.item);
  if (!last || !target)
    return turn.send(
      text(
        `${kit.taskLabel(f.assignment)}没有可以改报的"${command.item}"。回复"详情 ${command.task}"查看本单位的事项。`,
      ),
    );
  const r = await kit.progress.refile(f, last.seq, target.id);
  return turn.send(
    done(
      kit.d.publicUrl,
      `已改报:${kit.taskLabel(f.assignment)}的这条进展改为报送"${r.answered.label}"。`,
      f.assignment.taskId,
    ),
  );
};
