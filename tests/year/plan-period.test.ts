import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { obligationsOf } from '../../server/src/domain/obligations/obligation-book.js';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { openObligations } from '../../server/src/domain/obligations/open-obligations.js';
import { planPeriodOf } from '../../server/src/importer/plan-period.js';
import type { ImportPreview } from '../../shared/schemas/import.js';
import { previewImport } from '../helpers/bot-harness.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const PLAN_2024 = [
  '关于印发《越城区营商环境提升重点任务清单(2024年)》的通知',
  '各镇人民政府、街道办事处,区政府各部门(单位):',
  '绍兴市越城区人民政府办公室',
  '重点任务清单',
  '序号 | 重点任务 | 责任(牵头)单位 | 时间要求 |',
  '1 | 优化企业开办流程 | △区市场监管局、区行政服务中心 | 每年推进 |',
  '2 | 推进工程建设项目审批改革 | 区住建局 | 持续推进 |',
].join('\n');

describe('a plan has a period (#31 req 3)', () => {
  it('reads it from the title; a title without a year takes the year of issue, to be confirmed', () => {
    expect(planPeriodOf('越城区“两强三提高”实施方案(2018–2022年)')).toEqual({ from: 2018, to: 2022, source: 'title' });
    expect(planPeriodOf('某某行动计划(2021—2025年)')).toEqual({ from: 2021, to: 2025, source: 'title' });
    expect(planPeriodOf('重点任务清单(2026-2027年)')).toEqual({ from: 2026, to: 2027, source: 'title' });
    expect(planPeriodOf('2024年营商环境提升重点任务清单')).toEqual({ from: 2024, to: 2024, source: 'title' });
    expect(planPeriodOf('2023年度政府工作报告重点工作责任分解')).toEqual({ from: 2023, to: 2023, source: 'title' });
    expect(planPeriodOf('关于加快发展数字经济的实施意见', '2019-04-02')).toEqual({
      from: 2019,
      to: 2019,
      source: 'issued',
    });
    expect(planPeriodOf('关于加快发展数字经济的实施意见')).toBeUndefined();
  });
});

describe('plans that begin and end (#31 req 3, 4)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await seededApp();
  });
  afterEach(async () => t.close());
  const rules = () => ({ calendar: t.core.calendar, policy: t.core.policy });
  const remindedOn = (date: string) =>
    planReminders(t.store.state.get(), rules().calendar, rules().policy, new Date(`${date}T09:00:00+08:00`));

  it('a 2024 plan imported on 2018-11-21 owes nothing before 2024; the preview says when reminders start', async () => {
    t.deps.clock.set('2018-11-21T10:00:00+08:00');
    const up = await t.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('2024清单.txt') },
      payload: Buffer.from(PLAN_2024),
    });
    expect(up.statusCode).toBe(200);
    const p = up.json() as ImportPreview;
    expect(p.period).toEqual({ from: 2024, to: 2024, source: 'title' });
    expect(p.remindersFrom).toBe('2024-01-02');
    const applied = await t.inject({ method: 'POST', url: `/api/imports/${p.upload}/apply`, payload: {} });
    expect(applied.statusCode).toBe(200);
    const planId = p.planId;
    expect(t.store.state.get().plans.find((x) => x.id === planId)?.period).toEqual({ from: 2024, to: 2024 });
    // nothing of it is owed in 2018 or 2019, nor reminded the next working day
    expect(obligationsOf(t.store.state.get(), rules(), [2018, 2019]).filter((o) => o.planId === planId)).toEqual([]);
    const next = remindedOn('2018-11-22');
    const items = next.reminders.flatMap((r) => [...r.items, ...(r.also ?? [])]);
    const mine = new Set(
      t.store.state
        .get()
        .tasks.filter((x) => x.planId === planId)
        .map((x) => x.id),
    );
    expect(items.length).toBeGreaterThan(0); // the seeded plan is reminded
    expect(items.filter((i) => mine.has(i.taskId))).toEqual([]);
  });

  it('a period set on the preview wins over the title', async () => {
    t.deps.clock.set('2018-11-21T10:00:00+08:00');
    const up = await previewImport(t, '2024清单.txt', Buffer.from(PLAN_2024));
    const bad = await t.inject({
      method: 'POST',
      url: `/api/imports/${up.upload}/apply`,
      payload: { period: { from: 2025, to: 2024 } },
    });
    expect(bad.statusCode).toBe(400);
    await t.inject({
      method: 'POST',
      url: `/api/imports/${up.upload}/apply`,
      payload: { period: { from: 2019, to: 2020 } },
    });
    expect(t.store.state.get().plans.find((x) => x.id === up.planId)?.period).toEqual({ from: 2019, to: 2020 });
  });

  it('after 2022 the seeded plan reads 已结束: nothing reminded or escalated, its final results stay on the overview', async () => {
    t.deps.clock.set('2022-12-20T10:00:00+08:00');
    const before = remindedOn('2022-12-20');
    expect(before.reminders.length).toBeGreaterThan(0);
    t.deps.clock.set('2023-03-01T10:00:00+08:00');
    const after = remindedOn('2023-03-01');
    expect(after.reminders).toEqual([]);
    expect(after.todoCreates ?? []).toEqual([]);
    const s = t.store.state.get();
    const unitIds = s.units.map((u) => u.id);
    expect(openObligations(s, rules().calendar, rules().policy, unitIds, '2023-03-01')).toEqual([]);
    const my = (await t.inject('/api/my/items', 'p-fsjd-c')).json();
    expect(my.items).toEqual([]);
    const o = (await t.inject('/api/overview')).json();
    expect(o).toMatchObject({ today: '2023-03-01', year: 2022, ended: '2022-12-31' });
    // the results as they stood on 2022-12-31, not all green
    expect(o.lights.red + o.lights.yellow + o.lights.green).toBeGreaterThan(0);
    expect(o.lights.red).toBeGreaterThan(0);
  });
});
