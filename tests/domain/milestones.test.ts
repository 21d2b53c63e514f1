import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { obligationsFor } from '../../server/src/domain/obligations/obligation-rules.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { importPlan } from '../../server/src/importer/import-plan.js';
import { seedDirectory } from '../helpers/seeds.js';

describe('a task’s milestones are items of their own', () => {
  it('each dated step before the deadline is owed on its day (the working day before, on a day off), in the document’s words', async () => {
    const r = await importPlan(
      {
        name: '项目.txt',
        content: new TextEncoder().encode(
          '2024年重点项目推进计划\n1.3月底前开工建设镜湖体育馆,9月底前完成主体结顶,12月底前投入使用。(责任单位:区教体局)',
        ),
      },
      seedDirectory(),
    );
    const task = r.tasks[0]!;
    expect(task.schedule).toMatchObject({ type: 'deadline', due: '2024-12-31' });
    const items = obligationsFor(
      { plan: r.plan, calendar: new WorkCalendar(), policy: DEFAULT_POLICY, prose: [] },
      task,
      r.assignments.find((a) => a.taskId === task.id)!,
      2024,
    ).filter((o) => o.kind === 'deadline');
    expect(items.map((o) => [o.label, o.due, o.id.split(':').slice(-1)[0]])).toEqual([
      ['节点(3月底前开工建设镜湖体育馆)', '2024-03-29', 'N1'], // 3月31日 is a Sunday
      ['节点(9月底前完成主体结顶)', '2024-09-30', 'N2'],
      ['完成时限(12月底前投入使用)', '2024-12-31', 'deadline'],
    ]);
  });
});
