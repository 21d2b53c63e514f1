import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { obligationsOf } from '../../server/src/domain/obligations/obligation-book.js';
import { roundCoversOf } from '../../shared/round-covers.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const K1 = 'yc-lqstg-2018.k1';
const K9 = 'yc-lqstg-2018.k9';

describe('a 督查 round that is the policy’s own duty', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-06-10T10:00:00+08:00');
  });
  afterEach(async () => t.close());
  const rules = () => ({ calendar: t.core.calendar, policy: t.core.policy });
  const post = (url: string, payload: unknown, person?: string) =>
    t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);
  const midYearOf = (assignmentId: string) =>
    obligationsOf(t.store.state.get(), rules(), [2019]).filter(
      (o) => o.assignmentId === assignmentId && (o.kind === 'midYear' || o.kind === 'manual'),
    );

  it('reads the round’s kind from its name', () => {
    expect(roundCoversOf('2019年年中督查')).toBe('midYear');
    expect(roundCoversOf('2019年上半年督查')).toBe('midYear');
    expect(roundCoversOf('2019年年末督查')).toBe('yearEnd');
    expect(roundCoversOf('2019年年中专项督查')).toBe('none');
    expect(roundCoversOf('营商环境专项督查')).toBe('none');
  });

  it('年中督查 re-dates each part’s 年中督查报告: one item per part, one line in 考评', async () => {
    const all = t.store.state
      .get()
      .tasks.filter((x) => x.kind === 'key')
      .map((x) => x.id);
    const opened = await post('/api/rounds', {
      name: '2019年年中督查',
      submit: '自查报告及佐证材料',
      due: '2019-06-28',
      taskIds: all,
    });
    expect(opened.statusCode).toBe(200);
    const detail = opened.json();
    expect(detail.round).toMatchObject({ covers: 'midYear', manualIds: [] });
    // every part carrying a key task in 2019 has exactly one mid-year item, now due 06-28
    const parts = t.store.state
      .get()
      .assignments.filter((a) => a.status === 'active' && all.includes(a.taskId) && a.planId === 'yc-lqstg-2018');
    let withItem = 0;
    for (const a of parts) {
      const items = midYearOf(a.id);
      expect(items.length).toBeLessThanOrEqual(1);
      if (items.length === 0) continue;
      withItem += 1;
      expect(items[0]).toMatchObject({
        kind: 'midYear',
        due: '2019-06-28',
        originalDue: '2019-06-25',
        label: '年中督查报告(2019年年中督查:自查报告及佐证材料)',
      });
    }
    expect(withItem).toBe(detail.round.total);
    expect(detail.rows.length).toBe(withItem);
    expect(detail.rows.every((r: { obligationId: string }) => r.obligationId.endsWith(':2019:midYear'))).toBe(true);

    // a unit reports on it through the round's item
    const fs = detail.rows.find(
      (r: { unit: { id: string }; task: { id: string } }) => r.unit.id === 'fsjd' && r.task.id === K1,
    );
    expect(
      (
        await post(
          `/api/assignments/${K1}.fsjd/reports`,
          { text: '年中自查报告已上传', obligationId: fs.obligationId },
          'p-fsjd-c',
        )
      ).statusCode,
    ).toBe(200);

    // 考评 2019: one line per mid-year item, never two
    t.deps.clock.set('2020-01-06T09:00:00+08:00');
    await post('/api/assessments/2019/compute', {});
    await post('/api/assessments/2019/publish', {});
    const mine = (await t.inject('/api/assessments/2019/units/fsjd', 'p-fsjd-c')).json();
    const midLines = mine.lines.filter(
      (l: { label: string; obligationId?: string }) => /年中|督查/.test(l.label) && l.obligationId,
    );
    const perItem = new Map<string, number>();
    for (const l of midLines) perItem.set(l.assignmentId, (perItem.get(l.assignmentId) ?? 0) + 1);
    expect([...perItem.values()].every((n) => n === 1)).toBe(true);
    expect(midLines.length).toBeGreaterThan(0);
    expect(midLines.length).toBe(parts.filter((a) => a.unitId === 'fsjd' && midYearOf(a.id).length > 0).length);

    // closing the round leaves the duty standing (it is not waived)
    const closed = (await post('/api/rounds/G1/close', {})).json();
    expect(closed.round.status).toBe('closed');
  });

  it('a 专项督查 adds items, one per part, beside the policy’s', async () => {
    const opened = await post('/api/rounds', {
      name: '营商环境专项督查',
      submit: '整改清单',
      due: '2019-07-10',
      taskIds: [K1, K9],
      unitIds: ['fsjd', 'bb'],
    });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().round.covers).toBeUndefined();
    expect(opened.json().round.total).toBe(3);
    expect(
      midYearOf(`${K1}.fsjd`)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['manual', 'midYear']);
  });

  it('the confirm step’s choice wins over the name', async () => {
    const opened = await post('/api/rounds', {
      name: '2019年年中督查',
      submit: '专项材料',
      due: '2019-07-10',
      taskIds: [K1],
      covers: 'none',
    });
    expect(opened.json().round.covers).toBeUndefined();
    expect(
      midYearOf(`${K1}.fsjd`)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['manual', 'midYear']);
  });
});
