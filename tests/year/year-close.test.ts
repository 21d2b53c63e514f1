import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const FS = 'yc-lqstg-2018.k1.fsjd';

describe('a year closes when its 考评 is final (#31 req 5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());
  const rules = () => ({ calendar: t.core.calendar, policy: t.core.policy });
  const post = (url: string, payload: unknown, person?: string) =>
    t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);
  const remindedYears = (date: string) =>
    new Set(
      planReminders(t.store.state.get(), rules().calendar, rules().policy, new Date(`${date}T09:00:00+08:00`))
        .reminders.flatMap((r) => [...r.items, ...(r.also ?? [])])
        .map((i) => Number(i.obligationId.split(':')[1])),
    );

  it('a 通报表扬 issued in January about last year counts in last year’s 考评', async () => {
    t.deps.clock.set('2020-01-06T09:00:00+08:00');
    const b = await post('/api/bulletins', {
      kind: 'praise',
      unitIds: ['fsjd'],
      text: '2019年工作成效突出',
      year: 2019,
    });
    expect(b.statusCode).toBe(200);
    expect(b.json()).toMatchObject({ year: 2019 });
    expect(
      (await post('/api/bulletins', { kind: 'praise', unitIds: ['fsjd'], text: '太早', year: 2017 })).statusCode,
    ).toBe(400);
    const draft = (await post('/api/assessments/2019/compute', {})).json();
    expect(draft.status).toBe('draft');
    await post('/api/assessments/2019/publish', {});
    const mine = (await t.inject('/api/assessments/2019/units/fsjd', 'p-fsjd-c')).json();
    expect(mine.lines.some((l: { rule: string }) => l.rule === 'praise')).toBe(true);
    // a unit with nothing due that year is not ranked, and says so (#31 req 9)
    const s = t.store.state.get();
    const idle = s.units.find((u) => !s.assignments.some((a) => a.unitId === u.id && a.status === 'active'))!;
    const ranking = (await t.inject('/api/assessments/2019')).json();
    expect(ranking.scores.some((x: { unitId: string }) => x.unitId === idle.id)).toBe(false);
    const none = await t.inject(`/api/assessments/2019/units/${idle.id}`);
    expect(none.json()).toMatchObject({
      code: 'NO_ASSESSMENT_ITEMS',
      message: expect.stringContaining('本年度无考评事项'),
    });
    expect((await t.inject(`/api/reports/annual?year=2019&unitId=${idle.id}`)).body).toContain('本年度无考评事项');
  });

  it('once final, 2019’s open items leave the digests, 我的任务 and what a report may answer; the 督考办 may reopen one', async () => {
    t.deps.clock.set('2020-01-08T09:00:00+08:00');
    expect(remindedYears('2020-01-08').has(2019)).toBe(true);
    const before = (await t.inject('/api/my/items', 'p-fsjd-c')).json().items as Array<{ obligationId: string }>;
    expect(before.some((i) => i.obligationId.includes(':2019:'))).toBe(true);

    t.deps.clock.set('2020-03-02T09:00:00+08:00');
    const fin = await post('/api/assessments/2019/finalize', {});
    expect(fin.statusCode).toBe(200);
    expect(remindedYears('2020-03-02').has(2019)).toBe(false);
    const after = (await t.inject('/api/my/items', 'p-fsjd-c')).json().items as Array<{ obligationId: string }>;
    expect(after.some((i) => i.obligationId.includes(':2019:'))).toBe(false);
    const targets = (await t.inject(`/api/tasks/yc-lqstg-2018.k1/overview`, 'p-fsjd-c')).json().mine[0]
      .reportTargets as Array<{ obligationId: string }>;
    expect(targets.some((o) => o.obligationId.includes(':2019:'))).toBe(false);
    // the 2019 item is still there, as it was scored: open (未完成)
    const item = `${FS}:2019:yearEnd`;
    expect(
      (await post(`/api/assignments/${FS}/reports`, { text: '补报', obligationId: item }, 'p-fsjd-c')).json().code,
    ).toBe('OBLIGATION_NOT_OPEN');

    // a bulletin can no longer count in 2019
    expect(
      (await post('/api/bulletins', { kind: 'praise', unitIds: ['fsjd'], text: '补记表扬', year: 2019 })).json()
        .message,
    ).toContain('已定稿');

    // reopened: the unit may report late on it
    expect(
      (await post(`/api/obligations/${encodeURIComponent(item)}/reopen`, { reason: '单位申请补报' }, 'p-fsjd-c'))
        .statusCode,
    ).toBe(403);
    const re = await post(`/api/obligations/${encodeURIComponent(item)}/reopen`, { reason: '单位申请补报' });
    expect(re.json()).toEqual({ obligationId: item, year: 2019 });
    const late = await post(
      `/api/assignments/${FS}/reports`,
      { text: '补报2019年自评', obligationId: item },
      'p-fsjd-c',
    );
    expect(late.statusCode).toBe(200);
    expect(late.json().fulfilled).toEqual([item]);
  });
});

describe('a year closes on a configured date (#31 req 5)', () => {
  it('with policy.yearClose.on = 03-31, 2019’s open items leave the digests on 2020-03-31', async () => {
    const t = await seededApp();
    try {
      const { calendar, policy } = t.core;
      const closing = { ...policy, yearClose: { on: '03-31' } };
      const years = (p: typeof policy, date: string) =>
        new Set(
          planReminders(t.store.state.get(), calendar, p, new Date(`${date}T09:00:00+08:00`))
            .reminders.flatMap((r) => [...r.items, ...(r.also ?? [])])
            .map((i) => i.obligationId.split(':')[1]),
        );
      expect(years(closing, '2020-03-30').has('2019')).toBe(true);
      expect(years(closing, '2020-03-31').has('2019')).toBe(false);
      expect(years(policy, '2020-03-31').has('2019')).toBe(true); // off by default: only the final 考评 closes a year
    } finally {
      await t.close();
    }
  });
});
