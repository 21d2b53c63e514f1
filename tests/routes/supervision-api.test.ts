import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { seededApp, silentLog, type TestApp } from '../helpers/test-app.js';

const K1 = 'yc-lqstg-2018.k1';
const K9 = 'yc-lqstg-2018.k9';

describe('督查 rounds, 催办 and hand-made items', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-06-20T10:00:00+08:00');
  });
  afterEach(async () => t.close());

  const rules = () => ({ calendar: t.core.calendar, policy: t.core.policy });
  const post = (url: string, payload: unknown, person?: string) =>
    t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);
  const remindedOn = (date: string, personId: string) => {
    const plan = planReminders(
      t.store.state.get(),
      rules().calendar,
      rules().policy,
      new Date(`${date}T09:00:00+08:00`),
    );
    return plan.reminders.filter((r) => r.personId === personId).flatMap((r) => [...r.items, ...(r.also ?? [])]);
  };

  it('a round creates items the reminders chase; its page says who submitted and who is late; closing it waives the rest', async () => {
    expect(
      (
        await post(
          '/api/rounds',
          { name: '2019年中督查', submit: '自查报告', due: '2019-07-10', taskIds: [K1] },
          'p-fsjd-c',
        )
      ).json().code,
    ).toBe('NOT_PERMITTED');
    expect(
      (await post('/api/rounds', { name: '督查', submit: '自查报告', due: '2019-06-01', taskIds: [K1] })).json().code,
    ).toBe('VALIDATION_FAILED');
    const opened = await post('/api/rounds', {
      name: '2019年中督查',
      submit: '自查报告及佐证材料',
      due: '2019-07-10',
      taskIds: [K1, K9],
      unitIds: ['fsjd', 'bb'],
      covers: 'none', // a round of its own items (专项); 年中督查 itself re-dates the duty: tests/year/round-duty
    });
    expect(opened.statusCode).toBe(200);
    const detail = opened.json();
    expect(detail.round).toMatchObject({ id: 'G1', status: 'open', total: 3, submitted: 0, late: 0, pending: 3 });
    expect(
      detail.rows
        .map((r: { task: { number: number }; unit: { id: string } }) => `${r.task.number}:${r.unit.id}`)
        .sort(),
    ).toEqual(['1:fsjd', '9:bb', '9:fsjd']);
    const fsItem = detail.rows.find((r: { unit: { id: string } }) => r.unit.id === 'fsjd').obligationId as string;

    // chased like any item: the day before it is due, 府山街道's contact is reminded of it
    expect(
      remindedOn(rules().calendar.addWorkingDays('2019-07-10', -1), 'p-fsjd-c').some((i) => i.obligationId === fsItem),
    ).toBe(true);
    // the unit reports on it
    const report = await post(
      `/api/assignments/${K1}.fsjd/reports`,
      { text: '自查报告已上传', obligationId: fsItem },
      'p-fsjd-c',
    );
    expect(report.statusCode).toBe(200);

    t.deps.clock.set('2019-07-11T10:00:00+08:00');
    const after = (await t.inject('/api/rounds/G1')).json();
    expect(after.round).toMatchObject({ submitted: 1, late: 2, pending: 0 });
    expect(after.rows.map((r: { state: string }) => r.state)).toEqual(['late', 'late', 'submitted']);
    expect((await t.inject('/api/rounds')).json().items[0]).toMatchObject({ id: 'G1', name: '2019年中督查', late: 2 });

    const closed = await post('/api/rounds/G1/close', {});
    expect(closed.json().round).toMatchObject({ status: 'closed', submitted: 1, late: 0 });
    expect(
      closed
        .json()
        .rows.map((r: { state: string }) => r.state)
        .sort(),
    ).toEqual(['submitted', 'waived', 'waived']);
    expect(remindedOn('2019-07-12', 'p-bb-c').some((i) => i.kind === 'manual')).toBe(false);
    t.later(60_000); // closing it again later (not a double tap): refused
    expect((await post('/api/rounds/G1/close', {})).statusCode).toBe(409);
  });

  it("催办 sends at once to the unit's contacts and is chased like any item; a hand-made item reaches the chosen units", async () => {
    const urged = await post('/api/urges', {
      taskId: K1,
      unitId: 'fsjd',
      message: '请尽快报送主题教育开展情况',
      due: '2019-06-26',
    });
    expect(urged.statusCode).toBe(200);
    expect(urged.json().people).toEqual(['p-fsjd-c']);
    // sent by the dispatcher's next run, not tomorrow's digest
    const channel = new FakeChannel(() => t.deps.clock.now());
    await new Dispatcher(t.store, channel, silentLog).runOnce(t.deps.clock.now());
    const sent = channel.notices.filter((n) => n.userId === 'dt-fsjd-c');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.message)).toContain('请尽快报送主题教育开展情况');
    expect(JSON.stringify(sent[0]!.message)).toContain('6月26日');
    const mine = (await t.inject('/api/my/items', 'p-fsjd-c')).json();
    expect(mine.items.find((i: { label: string }) => i.label.startsWith('催办'))).toMatchObject({
      due: '2019-06-26',
      kind: 'manual',
    });
    expect(remindedOn('2019-06-26', 'p-fsjd-c').some((i) => i.kind === 'manual' && i.due === '2019-06-26')).toBe(true);
    expect(
      (await post('/api/urges', { taskId: K1, unitId: 'nope', message: '请报送', due: '2019-06-26' })).json().code,
    ).toBe('VALIDATION_FAILED');

    const added = await post('/api/manual-obligations', {
      taskId: K9,
      unitIds: ['bb'],
      label: '机构改革方案落实情况报告',
      due: '2019-07-31',
    });
    expect(added.json()).toEqual({ id: expect.stringMatching(/^h\d+$/) });
    const list = (await t.inject(`/api/manual-obligations?taskId=${K9}`)).json();
    expect(list.items).toEqual([
      expect.objectContaining({ label: '机构改革方案落实情况报告', unitIds: ['bb'], due: '2019-07-31' }),
    ]);
    expect((await post('/api/manual-obligations', { taskId: K9, label: 'x', due: '2019-07-31' })).json().code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
