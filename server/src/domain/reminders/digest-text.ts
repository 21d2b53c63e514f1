import { taskLabel } from '../../../../shared/task-label.js';
import type { OutboundMessage } from '../../channels/channel.js';
import { toDay, weekday, WEEKDAY_NAMES } from '../../calendar/dates.js';
import type { Reminder, ReminderItem } from './planner.js';
import { viewOf, type ReminderView } from './reminder-view.js';

import { cnDate } from '../../../../shared/cn-date.js';

const longDate = (iso: string): string => `${iso.slice(0, 4)}年${cnDate(iso)} ${WEEKDAY_NAMES[weekday(toDay(iso))]}`;

function when(i: ReminderItem, today: string): string {
  if (i.stage === 'overdue') return `已逾期 ${i.workingDays} 个工作日(${cnDate(i.due, today)}截止)`;
  if (i.stage === 'due') return `今天(${cnDate(i.due, today)})截止`;
  return `${cnDate(i.due, today)}截止,还有 ${i.workingDays} 个工作日${taskDates(i, today)}`;
}

/** A new task's 完成时限 and milestones, after its 签收: ";完成时限 11月30日(节点 6月30日)". */
function taskDates(i: ReminderItem, today: string): string {
  if (!i.taskDates) return '';
  const { due, milestones } = i.taskDates;
  const steps = milestones.length ? `(节点 ${milestones.map((d) => cnDate(d, today)).join('、')})` : '';
  return `;完成时限 ${cnDate(due, today)}${steps}`;
}

/**
 * The headline counts everything the person's units have open (as 我的任务 does), and the overdue
 * part — as 事项 (items), since a 待办 in DingTalk groups items by deadline and names 任务 (tasks).
 */
function headline(r: Reminder, v: ReminderView): string {
  const total = Math.max(r.open?.total ?? 0, v.count);
  const overdue = r.open?.overdue ?? v.overdue();
  return `您的单位有 ${total} 个待办事项${overdue > 0 ? `,其中 ${overdue} 个已逾期` : ''},最紧急的是`;
}

const taskName = (i: ReminderItem): string => taskLabel({ kind: i.taskKind, number: i.taskNumber });

/** Link into the mini-app for an item (or the list). */
export function appLink(publicUrl: string, taskId?: string): string {
  return taskId ? `${publicUrl}/app/#/tasks/${encodeURIComponent(taskId)}` : `${publicUrl}/app/#/my`;
}

/** The overview's drill-down of what an escalation lists: parts overdue at least this many working days (a leader's: their units'). */
export function overdueLink(publicUrl: string, days: number): string {
  return `${publicUrl}/app/#/parts?${new URLSearchParams({ light: 'red', minOverdueDays: String(days), title: `逾期 ${days} 个工作日以上` }).toString()}`;
}

/** What the recipient's platform allows: DingTalk's (robot chat, 2,048 bytes of msg JSON kept at 1,900) by default. */
export interface DigestReach {
  /** The platform has a robot chat to reply to (else the hint points to the mini-app). */
  robotChat: boolean;
  /** Bytes of message text the platform takes, with room for the envelope. */
  maxBytes: number;
}
export const DINGTALK_REACH: DigestReach = { robotChat: true, maxBytes: 2048 - 148 };

/**
 * The day's digest as a work notification (action card). The title carries the date and the
 * text the items and the level, so two days' digests never have the same content (DingTalk drops
 * the same content sent to the same person twice a day). Long lists are cut to fit the size limit.
 */
export function digestMessage(
  r: Reminder,
  publicUrl: string,
  maxItems: number,
  o: {
    overdueAtLeast?: number;
    reach?: DigestReach;
    /** Where several plans run at once: a task's plan's short name (重点任务1 alone could mean either). */
    planOf?: (taskId: string) => string | undefined;
  } = {},
): OutboundMessage {
  const reach = o.reach ?? DINGTALK_REACH;
  const v = viewOf(r);
  const escalation = r.kind === 'escalation';
  // a private notice of overdue items, not a 通报 (that word is for formal 通报表扬/批评)
  const title = `${escalation ? '逾期督办' : '督办提醒'} · ${cnDate(r.date)}`;
  const head = escalation
    ? `### ${title}\n${r.personName},以下事项已逾期${r.as === 'supervisor' ? '超过督考办介入时限' : ',请督促落实'}:`
    : `### ${title}\n${r.personName},${headline(r, v)}${r.level >= 2 ? '(部分已抄送分管领导)' : ''}:`;
  const lines: string[] = [];
  // the most urgent first: overdue (oldest first), then due today, then what is coming; today's reminders win ties
  const shown = v.mostUrgent(maxItems);
  // the unit is named where the list spans several (escalations always do, or may)
  const named = escalation || v.severalUnits();
  shown.forEach((i, n) => {
    const unit = named ? `[${i.unitName}] ` : '';
    const title = i.taskTitle.length > 24 ? `${i.taskTitle.slice(0, 23)}…` : i.taskTitle;
    const plan = o.planOf?.(i.taskId);
    lines.push(`${n + 1}. ${unit}**${plan ? `${plan}·` : ''}${taskName(i)}** ${title} — ${i.label},${when(i, r.date)}`);
  });
  // a reply needs a chat: where there is none (浙政钉) the button is the way
  const hint = escalation
    ? ''
    : reach.robotChat
      ? `\n\n回复机器人"收到 编号"签收,"进展 编号 内容"报送进展${o.planOf ? '(两个方案编号相同时写上方案名)' : ''}。`
      : '\n\n点下方按钮在督办通中签收、报送进展。';
  const footer = `\n\n${longDate(r.date)}`;
  let text = `${head}\n\n${lines.join('\n')}`;
  const more = (k: number): string => (k > 0 ? `\n\n另有 ${k} 项,请在督办通中查看。` : '');
  // "how many more": everything open beyond what is listed (the headline's number), not only today's reminders
  let omitted = Math.max(v.count + v.alsoCount, r.open?.total ?? 0) - shown.length;
  while (Buffer.byteLength(`${text}${more(omitted)}${hint}${footer}`) > reach.maxBytes && lines.length > 1) {
    lines.pop();
    omitted += 1;
    text = `${head}\n\n${lines.join('\n')}`;
  }
  return {
    kind: 'actionCard',
    title,
    markdown: `${text}${more(omitted)}${hint}${footer}`,
    buttons: [
      {
        title: escalation ? '查看逾期明细' : '打开督办通处理',
        url: escalation
          ? overdueLink(publicUrl, o.overdueAtLeast ?? 1)
          : appLink(publicUrl, v.count === 1 ? v.taskIds()[0] : undefined),
      },
    ],
  };
}
