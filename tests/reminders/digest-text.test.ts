import { describe, expect, it } from 'vitest';
import { digestMessage } from '../../server/src/domain/reminders/digest-text.js';
import type { Reminder, ReminderItem } from '../../server/src/domain/reminders/planner.js';

const item = (n: number, unitId: string, unitName: string): ReminderItem => ({
  obligationId: `o${n}${unitId}`,
  assignmentId: `a${n}${unitId}`,
  taskId: `t${n}`,
  taskNumber: n,
  taskKind: 'key',
  taskTitle: `任务标题${n}`,
  unitId,
  unitName,
  kind: 'progress',
  label: '一季度进展',
  due: '2019-03-29',
  stage: 'before',
  workingDays: 3,
  level: 1,
});

const reminder = (items: ReminderItem[], kind: Reminder['kind'] = 'digest'): Reminder => ({
  key: `notice:${kind}:p1:2019-03-25`,
  kind,
  date: '2019-03-25',
  personId: 'p1',
  personName: '吴超',
  userId: 'u1',
  as: kind === 'digest' ? 'contact' : 'leader',
  level: 1,
  items,
  reasons: ['即将到期'],
});

const lines = (r: Reminder): string[] => {
  const m = digestMessage(r, 'http://127.0.0.1:3000', 8);
  if (m.kind !== 'actionCard') throw new Error(`an action card, not ${m.kind}`);
  return m.markdown.split('\n').filter((l) => /^\d+\. /.test(l));
};

describe('digest text: which unit an item is of', () => {
  it('names the unit only where the list spans several units, and always in an escalation', () => {
    const one = [item(1, 'fzb', '区法制办'), item(2, 'fzb', '区法制办')];
    expect(lines(reminder(one))).toEqual([
      '1. **重点任务1** 任务标题1 — 一季度进展,3月29日截止,还有 3 个工作日',
      '2. **重点任务2** 任务标题2 — 一季度进展,3月29日截止,还有 3 个工作日',
    ]);
    const two = [item(1, 'fzb', '区法制办'), item(2, 'sfj', '区司法局')];
    expect(lines(reminder(two))).toEqual([
      '1. [区法制办] **重点任务1** 任务标题1 — 一季度进展,3月29日截止,还有 3 个工作日',
      '2. [区司法局] **重点任务2** 任务标题2 — 一季度进展,3月29日截止,还有 3 个工作日',
    ]);
    expect(lines(reminder(one, 'escalation'))[0]).toMatch(/^1\. \[区法制办\] \*\*重点任务1\*\*/);
  });
});

describe('digest text: a new task with a deadline', () => {
  it('gives its 完成时限 and milestones after the 签收 it is asked for, with the year where it is not this one', () => {
    const sign = (taskDates?: ReminderItem['taskDates']): ReminderItem => ({
      ...item(3, 'zjzj', '区住建局'),
      kind: 'acknowledge',
      label: '签收',
      due: '2019-04-01',
      stage: 'new',
      workingDays: 5,
      ...(taskDates ? { taskDates } : {}),
    });
    expect(lines(reminder([sign({ due: '2019-11-30', milestones: ['2019-06-30', '2019-09-30'] })]))).toEqual([
      '1. **重点任务3** 任务标题3 — 签收,4月1日截止,还有 5 个工作日;完成时限 11月30日(节点 6月30日、9月30日)',
    ]);
    expect(lines(reminder([sign({ due: '2020-06-30', milestones: [] })]))).toEqual([
      '1. **重点任务3** 任务标题3 — 签收,4月1日截止,还有 5 个工作日;完成时限 2020年6月30日',
    ]);
    // a task without a deadline (每年推进): the 签收 alone
    expect(lines(reminder([sign()]))).toEqual(['1. **重点任务3** 任务标题3 — 签收,4月1日截止,还有 5 个工作日']);
  });
});
