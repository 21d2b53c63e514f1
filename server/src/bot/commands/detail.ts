import { assertReadTask } from '../../auth/viewer.js';
import { itemName } from '../../domain/progress/progress-service.js';
import { appLink } from '../../domain/reminders/digest-text.js';
import { AppError } from '../../errors.js';
import { md, taskName, type Listener } from '../bot-kit.js';

/** 详情 8: what the task asks, who leads, and what the sender's units owe on it. */
export const detail: Listener<'detail'> = async (command, turn, kit) => {
  const s = kit.state();
  const task = s.tasks.find((t) => t.kind === 'key' && t.number === command.task && t.planId === s.activePlanId);
  if (!task) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${command.task} 的重点任务`);
  assertReadTask(s, turn.viewer, task.id); // a task the mini-app would not show is not described here either
  const as = s.assignments.filter((a) => a.taskId === task.id);
  const lead = as
    .filter((a) => a.role === 'lead')
    .map(
      (a) => s.units.find((u) => u.id === a.unitId)?.name ?? s.groups.find((g) => g.id === a.unitId)?.name ?? a.unitId,
    );
  const co = as.filter((a) => a.role === 'co').length;
  const mine = kit.progress.openFor(turn.person.unitIds).filter((o) => o.task.id === task.id);
  const lines = [
    `### ${taskName(task)} ${task.title}`,
    `- 时间要求:${task.schedule.text || '每年推进'}`,
    `- 牵头:${lead.slice(0, 6).join('、')}${lead.length > 6 ? ` 等 ${lead.length} 个单位` : ''}${co ? `;配合单位 ${co} 个` : ''}`,
    `- 您的待办:${mine.length ? mine.map((o) => `${itemName(o.obligation, kit.year())}(${o.obligation.due})`).join('、') : '无'}`,
    '',
    `[在督办通中查看](${appLink(kit.d.publicUrl, task.id)})`,
  ];
  return turn.send(md(taskName(task), lines.join('\n')));
};
