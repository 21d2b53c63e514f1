import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { DEFAULT_POLICY, ReminderPolicy } from '../../server/src/domain/policy/policy.js';
import { stageOf, toldToday } from '../../server/src/domain/reminders/stages.js';

const calendar = new WorkCalendar();
// a 进展 opened on 3月1日, due Wednesday 2026-03-25 (no holiday near it before 清明)
const item = { kind: 'progress' as const, opensOn: '2026-03-01', due: '2026-03-25' };
const on = (today: string, policy = DEFAULT_POLICY, o: Parameters<typeof stageOf>[3] = item) =>
  stageOf(calendar, policy, today, o);

describe('an item’s stage and level today (stages.ts)', () => {
  it('before its due date: only on the nudge days (5 and 1 working days before)', () => {
    expect(on('2026-03-18')).toEqual({ stage: 'before', workingDays: 5, level: 1 });
    expect(on('2026-03-19').stage).toBeNull();
    expect(on('2026-03-21').stage).toBeNull(); // a Saturday
    expect(on('2026-03-24')).toEqual({ stage: 'before', workingDays: 1, level: 1 });
    expect(on('2026-03-25')).toEqual({ stage: 'due', workingDays: 0, level: 1 });
  });

  it('overdue: day 1, then every 3 working days, and the days it escalates (leader at 3, 督考办 at 10)', () => {
    expect(on('2026-03-26')).toEqual({ stage: 'overdue', workingDays: 1, level: 1 });
    expect(on('2026-03-27').stage).toBeNull(); // day 2
    expect(on('2026-03-30')).toEqual({ stage: 'overdue', workingDays: 3, level: 2 }); // Monday: the leader hears
    expect(on('2026-03-31')).toEqual({ stage: 'overdue', workingDays: 4, level: 2 });
    const told = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-07', '2026-04-08', '2026-04-09', '2026-04-10']
      .map((d) => [d, on(d)] as const)
      .filter(([, s]) => s.stage)
      .map(([d, s]) => `${d}:${s.workingDays}:${s.level}`);
    // 清明 (4月4日–6日) is not counted: day 7 is 4月3日, day 10 (the 督考办) is 4月9日
    expect(told).toEqual(['2026-04-03:7:2', '2026-04-09:10:3']);
  });

  it('a 签收 is new the day it opens; nothing is told of before an item opens', () => {
    const ack = { kind: 'acknowledge' as const, opensOn: '2026-03-02', due: '2026-03-09' };
    expect(on('2026-03-02', DEFAULT_POLICY, ack)).toEqual({ stage: 'new', workingDays: 5, level: 1 });
    expect(on('2026-03-01', DEFAULT_POLICY, ack).stage).toBeNull();
  });

  it('follows the policy: other nudge days, another overdue rhythm', () => {
    const policy = ReminderPolicy.parse({ nudges: { beforeWorkingDays: [2] }, overdue: { everyWorkingDays: 1 } });
    expect(on('2026-03-18', policy).stage).toBeNull();
    expect(on('2026-03-23', policy)).toEqual({ stage: 'before', workingDays: 2, level: 1 });
    expect(on('2026-03-27', policy)).toEqual({ stage: 'overdue', workingDays: 2, level: 1 });
  });

  it('last year’s items are told of only while overdue', () => {
    const before = { stage: 'before' as const, workingDays: 1, level: 1 as const };
    const overdue = { stage: 'overdue' as const, workingDays: 4, level: 2 as const };
    expect(toldToday(before, 2026, 2026)).toBe(true);
    expect(toldToday(before, 2025, 2026)).toBe(false);
    expect(toldToday(overdue, 2025, 2026)).toBe(true);
    expect(toldToday({ stage: null, workingDays: 0, level: 1 }, 2026, 2026)).toBe(false);
  });
});
