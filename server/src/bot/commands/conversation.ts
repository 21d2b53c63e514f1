import { text, type Listener } from '../bot-kit.js';

/** A plain reply soon after a reminder that named one task: offered as its report, one tap to confirm. */
export const unknown: Listener<'unknown'> = async (command, turn, kit) => {
  const task = kit.conversation.remindedTask(turn.person.id);
  if (task !== undefined && command.text.length >= 4) {
    await kit.conversation.holdDraft(turn.person.id, task, command.text);
    return turn.send({
      kind: 'actionCard',
      title: '确认报送进展',
      markdown: `把这条消息作为 **重点任务${task}** 的进展报送吗?\n\n> ${command.text.slice(0, 200)}`,
      buttons: [
        { title: '确认报送', say: `确认进展 ${task}` },
        { title: '不是', say: '不是' },
      ],
    });
  }
  return turn.send(
    text('没看懂这条消息。可以回复"我的任务"查看待办,"收到 8"签收,"进展 8 内容"报送进展;回复"帮助"查看全部用法。'),
  );
};

/** 确认进展 8: the held reply becomes the report. */
export const confirmDraft: Listener<'confirmDraft'> = async (command, turn, kit) => {
  const held = await kit.conversation.takeDraft(turn.person.id, command.task);
  if (held === undefined) return turn.send(text('没有待确认的进展,请直接回复"进展 编号 内容"。'));
  return kit.dispatch({ kind: 'progress', task: command.task, text: held }, turn);
};

/** 不是: the held reply is not a report. */
export const dropDraft: Listener<'dropDraft'> = async (_, turn, kit) => {
  await kit.conversation.dropDraft(turn.person.id);
  return turn.send(text('好的,这条消息不作为进展报送。'));
};

/** A command missing its number or text: the parser's hint says what to add. */
export const incomplete: Listener<'incomplete'> = (command, turn) => turn.send(text(command.hint));
