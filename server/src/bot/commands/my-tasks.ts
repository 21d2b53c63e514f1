import { itemName } from '../../domain/progress/progress-service.js';
import { appLink } from '../../domain/reminders/digest-text.js';
import { md, taskName, text, type Listener } from '../bot-kit.js';

const LIGHT = { red: '🔴', yellow: '🟡', green: '🟢' } as const;
const short = (t: string): string => (t.length > 14 ? `${t.slice(0, 13)}…` : t);

/** 我的任务: the ten most pressing open items of the sender's units, with a link to the rest. */
export const myTasks: Listener<'myTasks'> = async (_, { person, send }, kit) => {
  const list = kit.progress.openFor(person.unitIds);
  if (list.length === 0) return send(text(`${person.name},您的单位目前没有待办事项。下一次提醒会在有事项到期前发出。`));
  const lines = list
    .slice(0, 10)
    .map(
      (o) =>
        `- ${LIGHT[o.light]} [${kit.unitName(o.unitId)}] **${taskName(o.task)}** ${short(o.task.title)} — ${itemName(o.obligation, kit.year())},${o.reason}`,
    );
  const more = list.length > 10 ? `\n\n另有 ${list.length - 10} 项,[在督办通中查看](${appLink(kit.d.publicUrl)})` : '';
  return send(
    md(
      '我的任务',
      `### 我的任务(${list.length} 项)\n${lines.join('\n')}${more}\n\n🔴 已逾期 🟡 即将到期或报告被退回 🟢 时间充裕`,
    ),
  );
};
