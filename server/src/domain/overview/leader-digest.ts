import { taskLabel } from '../../../../shared/task-label.js';
import type { PartView } from '../../../../shared/schemas/workbench.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { fromDay, toDay, weekday } from '../../calendar/dates.js';
import type { OutboundMessage } from '../../channels/channel.js';
import { viewerFor } from '../../auth/viewer.js';
import type { State } from '../../model/state.js';
import type { LightRules } from '../lights/lights.js';
import { asOfPlanEnd, overview, partsOf, sortParts } from './overview.js';
import { handleOf } from '../../../../shared/schemas/person.js';

export interface LeaderDigest {
  personId: string;
  userId: string;
  message: OutboundMessage;
}

const MAX_LINES = 8;

/** Whether `date` is the first working day of its week (Monday, or the first after a holiday). */
export function firstWorkingDayOfWeek(rules: LightRules, date: string): boolean {
  if (!rules.calendar.isWorkingDay(date)) return false;
  const day = toDay(date);
  const monday = fromDay(day - ((weekday(day) + 6) % 7));
  return rules.calendar.addWorkingDays(date, -1) < monday;
}

const taskName = (p: PartView): string => taskLabel(p.task);

/**
 * The weekly digest to leaders, listing only what is red or yellow: a unit leader (分管领导) gets
 * their units' parts; a district leader (区长, 副区长) the district's counts and the units with the
 * most overdue. A leader with nothing red or yellow gets nothing (no news is not a message).
 */
export function leaderDigests(
  state: Readonly<State>,
  rules: LightRules,
  today: string,
  publicUrl: string,
): LeaderDigest[] {
  const out: LeaderDigest[] = [];
  // a plan whose period has ended is not chased: no weekly news about it
  if (asOfPlanEnd(state, today).ended) return out;
  const title = `每周督办简报 · ${cnDate(today)}`;
  for (const person of state.people) {
    if (!person.roles.includes('leader')) continue;
    const v = viewerFor(state, person.id);
    if (v.districtLeader) {
      const o = overview(state, rules, today);
      if (o.lights.red + o.lights.yellow === 0) continue;
      const worst = o.units.filter((u) => u.red > 0).slice(0, MAX_LINES);
      const markdown = [
        `### ${title}`,
        `${person.name},全区 ${o.lights.red + o.lights.yellow + o.lights.green} 项责任分工中,**${o.lights.red} 项逾期**,${o.lights.yellow} 项即将到期${o.reviews.total ? `;${o.reviews.total} 项待督考办审核` : ''}${o.placeholders.tasks ? `;${o.placeholders.tasks} 项任务尚未明确责任单位` : ''}。`,
        ...(worst.length
          ? [
              '',
              '逾期较多的单位:',
              ...worst.map(
                (u, i) => `${i + 1}. ${u.unitName}:逾期 ${u.red} 项${u.yellow ? `,即将到期 ${u.yellow} 项` : ''}`,
              ),
            ]
          : []),
      ].join('\n');
      out.push({
        personId: person.id,
        userId: handleOf(person),
        message: {
          kind: 'actionCard',
          title,
          markdown,
          buttons: [{ title: '查看督办总览', url: `${publicUrl}/app/#/office` }],
        },
      });
      continue;
    }
    const parts = sortParts(partsOf(state, rules, today, { unitIds: v.unitIds }).filter((p) => p.light !== 'green'));
    if (parts.length === 0) continue;
    const red = parts.filter((p) => p.light === 'red').length;
    const lines = parts
      .slice(0, MAX_LINES)
      .map(
        (p, i) =>
          `${i + 1}. ${p.light === 'red' ? '🔴' : '🟡'} ${v.unitIds.size > 1 ? `[${p.unit.name}] ` : ''}**${taskName(p)}** ${p.reason}`,
      );
    const markdown = [
      `### ${title}`,
      `${person.name},您分管的单位有 ${red} 项逾期、${parts.length - red} 项即将到期或待重报:`,
      '',
      ...lines,
      ...(parts.length > MAX_LINES ? [``, `另有 ${parts.length - MAX_LINES} 项,请在督办通中查看。`] : []),
    ].join('\n');
    out.push({
      personId: person.id,
      userId: handleOf(person),
      message: {
        kind: 'actionCard',
        title,
        markdown,
        buttons: [{ title: '查看明细', url: `${publicUrl}/app/#/office` }],
      },
    });
  }
  return out;
}
