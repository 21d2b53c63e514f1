import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addManualObligation } from '../../server/src/domain/obligations/manual-obligations.js';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { AppError } from '../../server/src/errors.js';
import { at, calendar, policy } from '../helpers/reminders.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('obligations the 督考办 adds by hand', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  it('reach only the chosen units of a superior-directed task, on the nudge days', async () => {
    const supervisor = { type: 'person' as const, id: 'p-dkb-s1', name: '周晓梅' };
    await addManualObligation(
      t.store,
      { calendar, policy },
      { taskId: 'yc-lqstg-2018.k9', unitIds: ['bb'], label: '机构改革方案落实情况报告', due: '2019-04-30' },
      supervisor,
    );
    const eve = calendar.addWorkingDays('2019-04-30', -1);
    const plan = planReminders(t.store.state.get(), calendar, policy, at(`${eve}T09:00`));
    const bb = plan.reminders.find((r) => r.personId === 'p-bb-c')!;
    expect(bb.items.find((i) => i.kind === 'manual')).toMatchObject({
      taskNumber: 9,
      label: '机构改革方案落实情况报告',
      due: '2019-04-30',
      stage: 'before',
      workingDays: 1,
    });
    const town = plan.reminders.find((r) => r.personId === 'p-fsjd-c');
    expect(town?.items.some((i) => i.kind === 'manual') ?? false).toBe(false);
    let events = 0;
    for await (const e of t.store.ledger.read()) if (e.type === 'obligation.added') events += 1;
    expect(events).toBe(1);
  });

  it('refuses an unknown task, a unit not on the task, or a bad date, changing nothing', async () => {
    const actor = { type: 'person' as const, id: 'p-dkb-s1' };
    const before = t.store.state.get().manualObligations.length;
    for (const input of [
      { taskId: 'nope', label: '报告', due: '2019-04-30' },
      { taskId: 'yc-lqstg-2018.k9', unitIds: ['sfj'], label: '报告', due: '2019-04-30' },
      { taskId: 'yc-lqstg-2018.k9', label: '报告', due: '2019/04/30' },
      { taskId: 'yc-lqstg-2018.k9', label: '报告', due: '2027-04-30' },
    ]) {
      await expect(addManualObligation(t.store, { calendar, policy }, input, actor)).rejects.toBeInstanceOf(AppError);
    }
    expect(t.store.state.get().manualObligations.length).toBe(before);
  });
});
