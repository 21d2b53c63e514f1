import { allowed } from '../../auth/permissions.js';
import { nameKey } from '../../naming/names.js';
import { text, type Listener } from '../bot-kit.js';

/**
 * The 督考办 sets a 督办工作群 up as one unit's ("本群设为区司法局"): the bot then answers that
 * unit's people in the group itself (我的任务, 详情 …) instead of privately. Only in a group, only
 * by the 督考办; recorded in the ledger. "解除本群绑定" undoes it.
 */
export const bindChat: Listener<'bindChat'> = async (command, turn, kit) => {
  const chat = turn.event.conversation;
  if (chat.type !== 'group') return turn.send(text('请在要设置的工作群里 @我 发送:本群设为 单位名称'));
  if (!allowed(turn.viewer, 'supervision.manage')) return turn.send(text('只有督考办可以把群设为某个单位的工作群。'));
  const s = kit.state();
  const key = nameKey(command.unit);
  const exact = s.units.filter((u) => u.name === command.unit || nameKey(u.name) === key);
  const found =
    exact.length > 0 ? exact : s.units.filter((u) => u.name.includes(command.unit) || command.unit.includes(u.name));
  if (found.length !== 1)
    return turn.send(
      text(
        found.length === 0
          ? `没有找到单位"${command.unit}"。请写单位全称,例如:本群设为 区司法局`
          : `"${command.unit}"可能是:${found.map((u) => u.name).join('、')}。请写单位全称`,
      ),
    );
  const unit = found[0]!;
  await kit.d.store.transact((draft, tx) => {
    tx.append({
      type: 'chat.bound',
      actor: { type: 'person', id: turn.person.id, name: turn.person.name },
      subject: { type: 'chat', id: chat.id },
      channel: 'bot',
      payload: { conversationId: chat.id, unitId: unit.id },
    });
    draft.unitChats = {
      ...draft.unitChats,
      [chat.id]: { unitId: unit.id, by: turn.person.id, at: tx.at.toISOString() },
    };
  });
  return turn.send(
    text(
      `本群已设为${unit.name}的工作群:${unit.name}的人员在本群查询任务、详情,直接在群里回复;其他单位的事项仍单独回复。`,
    ),
  );
};

export const unbindChat: Listener<'unbindChat'> = async (_command, turn, kit) => {
  const chat = turn.event.conversation;
  const bound = kit.state().unitChats?.[chat.id];
  if (chat.type !== 'group' || !bound) return turn.send(text('本群没有设为任何单位的工作群。'));
  if (!allowed(turn.viewer, 'supervision.manage')) return turn.send(text('只有督考办可以解除。'));
  await kit.d.store.transact((draft, tx) => {
    tx.append({
      type: 'chat.unbound',
      actor: { type: 'person', id: turn.person.id, name: turn.person.name },
      subject: { type: 'chat', id: chat.id },
      channel: 'bot',
      payload: { conversationId: chat.id, unitId: bound.unitId },
    });
    const { [chat.id]: _gone, ...rest } = draft.unitChats ?? {};
    draft.unitChats = rest;
  });
  return turn.send(text(`已解除:本群不再是${kit.unitName(bound.unitId)}的工作群,单位事项改为单独回复。`));
};
