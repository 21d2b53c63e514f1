import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReminders, stableSort } from '../../server/src/domain/reminders/planner.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { addPlan2026, at, calendar, fulfilWhere, policy } from '../helpers/reminders.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { addObligations, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

describe('the reminder planner (pure: state + calendar + policy + now)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());
  const plan = (local: string) => planReminders(t.store.state.get(), calendar, policy, at(local));
  const mine = (local: string, personId: string) => plan(local).reminders.filter((r) => r.personId === personId);

  it('sends on a make-up Saturday, not on a holiday or an ordinary Sunday, and never guesses a missing year', async () => {
    await addPlan2026(t.store);
    const saturday = plan('2026-02-14T09:00');
    expect(saturday).toMatchObject({ workingDay: true, dayName: '春节调休上班' });
    const fgj = saturday.reminders.find((r) => r.personId === 'p-fgj-c')!;
    expect(fgj.items.find((i) => i.kind === 'deadline')).toMatchObject({
      stage: 'before',
      workingDays: 1,
      due: '2026-02-24',
      label: '完成时限(2026年2月24日前完成)',
    });
    expect(plan('2026-02-16T09:00')).toMatchObject({
      workingDay: false,
      dayName: '春节',
      reminders: [],
      skipped: '春节,非工作日',
    });
    expect(plan('2026-03-01T09:00')).toMatchObject({ workingDay: false, dayName: '周日', reminders: [] });
    const missing = plan('2027-03-01T09:00');
    expect(missing.reminders).toEqual([]);
    expect(missing.warnings).toEqual([expect.stringContaining('没有 2027 年的节假日数据')]);
  });

  it('sends nothing before the digest time or after working hours', () => {
    expect(plan('2018-11-01T08:59').reminders).toEqual([]);
    expect(plan('2018-11-01T18:00').reminders).toEqual([]);
    expect(plan('2018-11-01T09:00').reminders.length).toBeGreaterThan(0);
  });

  it('gives a contact who owes several things one digest that day', () => {
    const r = mine('2018-11-13T09:00', 'p-sfj-c');
    expect(r).toHaveLength(1);
    expect(r[0]!.kind).toBe('digest');
    expect(r[0]!.items.length).toBeGreaterThanOrEqual(3);
    expect(new Set(r[0]!.items.map((i) => i.obligationId)).size).toBe(r[0]!.items.length);
  });

  it('on the first day tells each unit what is new and asks for 签收', () => {
    const r = mine('2018-11-01T09:00', 'p-fzb-c')[0]!;
    // named in rows 6 7 18 21 22; reached through 区政府各部门(党组) in rows 1 2 3 4 8 15 34
    expect(r.items.map((i) => i.taskNumber)).toEqual([1, 2, 3, 4, 6, 7, 8, 15, 18, 21, 22, 34]);
    expect(new Set(r.items.map((i) => `${i.label}|${i.stage}|${i.due}`))).toEqual(new Set(['签收|new|2018-11-08']));
  });

  it('does not remind a unit of a 签收 it has done', async () => {
    const before = mine('2018-11-09T09:00', 'p-sfj-c')[0]!;
    const acks = before.items.filter((i) => i.kind === 'acknowledge');
    expect(acks.length).toBeGreaterThan(0);
    await fulfilWhere(
      t.store,
      (id) => id.includes('.sfj:2018:acknowledge'),
      acks.map((i) => i.obligationId),
    );
    const after = mine('2018-11-09T09:00', 'p-sfj-c');
    expect(after.flatMap((r) => r.items).filter((i) => i.kind === 'acknowledge')).toEqual([]);
  });

  it("adds the unit leader at level 2 exactly on the policy's overdue day, and the 督考办 at level 3", () => {
    // 签收 is due 2018-11-08; overdue working days: 11-09 → 1, 11-12 → 2, 11-13 → 3 (= leaderAfter), 11-22 → 10 (= supervisorAfter)
    const leaderOn = (d: string) => mine(`${d}T09:00`, 'p-fzb-l').filter((r) => r.kind === 'escalation');
    expect(leaderOn('2018-11-09')).toEqual([]);
    expect(leaderOn('2018-11-12')).toEqual([]);
    expect(leaderOn('2018-11-13')).toEqual([expect.objectContaining({ as: 'leader', level: 2 })]);
    expect(mine('2018-11-13T09:00', 'p-fzb-c')[0]!.items.find((i) => i.kind === 'acknowledge')).toMatchObject({
      stage: 'overdue',
      workingDays: 3,
      level: 2,
    });
    expect(mine('2018-11-21T09:00', 'p-dkb-s1').filter((r) => r.kind === 'escalation')).toEqual([]);
    expect(mine('2018-11-22T09:00', 'p-dkb-s1')).toEqual([
      expect.objectContaining({ kind: 'escalation', as: 'supervisor', level: 3 }),
    ]);
  });

  it('tells a 督考办 member who also leads a unit each overdue item once, in one escalation, as its leader', () => {
    const day = '2018-11-22T09:00'; // 签收 due 11-08: ten working days overdue, level 3 everywhere
    const state = structuredClone(t.store.state.get());
    const s1 = state.people.find((p) => p.id === 'p-dkb-s1')!;
    const fzb = state.people.find((p) => p.id === 'p-fzb-l')!.unitIds[0]!;
    Object.assign(s1, { unitIds: [...s1.unitIds, fzb], roles: [...s1.roles, 'leader'] });
    const before = planReminders(t.store.state.get(), calendar, policy, at(day));
    const after = planReminders(state, calendar, policy, at(day));
    const supervisorItems = before.reminders.find((r) => r.personId === 'p-dkb-s1' && r.kind === 'escalation')!.items;
    const leaderItems = before.reminders.find((r) => r.personId === 'p-fzb-l' && r.kind === 'escalation')!.items;
    const mine = after.reminders.filter((r) => r.personId === 'p-dkb-s1');
    expect(mine.map((r) => [r.kind, r.as])).toEqual([['escalation', 'leader']]);
    const ids = mine[0]!.items.map((i) => i.obligationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set([...supervisorItems, ...leaderItems].map((i) => i.obligationId)));
    expect(leaderItems.length).toBeGreaterThan(0); // the unit they lead has overdue parts that day
  });

  it('asks for no second 待办 for a part whose dates moved after its 待办 was made', () => {
    const day = '2018-11-13T09:00';
    const state = structuredClone(t.store.state.get());
    const first = planReminders(state, calendar, policy, at(day)).todoCreates;
    for (const c of first)
      state.todos[c.key] = { obligationIds: c.obligationIds, personId: c.personId, unionId: c.unionId, done: false };
    expect(planReminders(state, calendar, policy, at(day)).todoCreates).toEqual([]);
    // one part's deadline moves to today (its 待办, made for the old deadline, still covers it)
    const moved = first[0]!.obligationIds[0]!;
    const record = storedObligations(state).find((o) => o.id === moved)!;
    Object.assign(record, { due: '2018-11-13' });
    const again = planReminders(state, calendar, policy, at(day));
    expect(again.reminders.some((r) => r.items.some((i) => i.obligationId === moved && i.stage === 'due'))).toBe(true);
    expect(again.todoCreates).toEqual([]);
  });

  it('dates of another year carry their year, in the digest and in 我的任务', async () => {
    const { digestMessage } = await import('../../server/src/domain/reminders/digest-text.js');
    const { cnDate } = await import('../../shared/cn-date.js');
    // the first January day that reminds someone of last year's overdue items
    const r = ['02', '03', '04', '07', '08', '09', '10']
      .map((d) =>
        plan(`2019-01-${d}T09:00`).reminders.find(
          (x) => x.kind === 'digest' && x.items.some((i) => i.due.startsWith('2018') && i.stage === 'overdue'),
        ),
      )
      .find((x) => x !== undefined)!;
    const text = (digestMessage(r, 'http://127.0.0.1:3000', 50) as { markdown: string }).markdown;
    const last = r.items.find((i) => i.due.startsWith('2018'))!;
    expect(text).toContain(
      `(${Number(last.due.slice(0, 4))}年${Number(last.due.slice(5, 7))}月${Number(last.due.slice(8, 10))}日截止)`,
    );
    expect(cnDate('2018-12-20', '2019-01-02')).toBe('2018年12月20日');
    expect(cnDate('2019-03-25', '2019-01-02')).toBe('3月25日');
  });

  it('does not escalate item by item to district leaders (the 区长 leads 区政府党组 too) unless the policy says so', async () => {
    const { ReminderPolicy } = await import('../../server/src/domain/policy/policy.js');
    const day = '2018-11-13T09:00'; // 签收 due 11-08: the third overdue working day, level 2
    const leaders = (p: ReturnType<typeof plan>) =>
      p.reminders.filter((r) => r.kind === 'escalation' && r.as === 'leader').map((r) => r.personId);
    const by = leaders(plan(day));
    expect(by.length).toBeGreaterThan(0); // unit leaders are escalated to
    expect(by).not.toContain('p-qzf-l1');
    expect(by).not.toContain('p-qzf-l2');
    const on = ReminderPolicy.parse({
      escalation: { leaderAfterOverdueWorkingDays: 3, supervisorAfterOverdueWorkingDays: 10, districtLeaders: true },
    });
    expect(leaders(planReminders(t.store.state.get(), calendar, on, at(day)))).toContain('p-qzf-l1');
  });

  it("asks for one 待办 per person and item, naming the units, and one for the year's 签收 batch", () => {
    // the plan's first day: 400 parts to sign for, one 待办 per contact (was one per part: 400)
    const day1 = plan('2018-11-01T09:00');
    const keys = day1.todoCreates.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    const covered = day1.todoCreates.flatMap((c) => c.obligationIds);
    const reminded = day1.reminders
      .filter((r) => r.as === 'contact')
      .flatMap((r) => r.items.map((i) => i.obligationId));
    expect(covered.length).toBeGreaterThan(300);
    expect(new Set(covered)).toEqual(new Set(reminded));
    expect(covered).toHaveLength(reminded.length);
    const people = day1.todoCreates.map((c) => c.personId);
    expect(new Set(people).size).toBe(people.length);
    const fzb = day1.todoCreates.find((c) => c.personId === 'p-fzb-c')!;
    expect(fzb).toMatchObject({
      due: '2018-11-08',
      subject: expect.stringMatching(/^2018年度签收 12 项任务\(区法制办\):重点任务1、重点任务2、.*重点任务34$/),
    });
    expect(fzb.taskId).toBeUndefined();
    expect(fzb.description!.split('\n')[0]).toBe('重点任务1 高标准严要求开展政府系统“不忘初心、牢记使命”主题教育');
    // a contact of two units (区政府党组 and 区府办): 年中督查报告 of all their tasks falls due on 6月25日 —
    // one 待办 covering both units' parts of 重点任务1 and the rest, naming both units
    const midYear = plan('2019-06-25T09:00').todoCreates.filter(
      (c) => c.personId === 'p-qfb-c' && c.obligationIds.some((id) => id.endsWith(':2019:midYear')),
    );
    expect(midYear).toHaveLength(1);
    expect(midYear[0]!.obligationIds).toEqual(
      expect.arrayContaining(['yc-lqstg-2018.k1.qzfdz:2019:midYear', 'yc-lqstg-2018.k1.qfb:2019:midYear']),
    );
    expect(midYear[0]).toMatchObject({
      due: '2019-06-25',
      subject: expect.stringMatching(/^2019年年中督查报告 \d+ 项任务\(区政府党组、区府办\):重点任务1、/),
    });
    expect(midYear[0]!.taskId).toBeUndefined();
    // a deadline of one task names it and opens it
    const single = plan('2018-11-13T09:00').todoCreates.filter((c) => c.obligationIds.length === 1 && c.taskId);
    for (const c of single) expect(c.subject).toMatch(/^2018年.+:(重点)?任务\d+ .+\(.+\)$/);
  });
});

describe('state stays bounded', () => {
  it('prunes obligations older than last year (the ledger keeps them) and finished 待办 records', async () => {
    const { pruneInDraft } = await import('../../server/src/domain/obligations/obligation-book.js');
    const { emptyState } = await import('../../server/src/model/state.js');
    const s = emptyState();
    const o = (id: string) => ({
      id,
      planId: 'p',
      assignmentId: 'a.x',
      taskId: 't',
      unitId: 'u',
      year: Number(id.split(':')[1]),
      kind: 'acknowledge' as const,
      label: '签收',
      opensOn: '2019-01-02',
      due: '2019-01-09',
      status: 'fulfilled' as const,
      seq: 1,
    });
    addObligations(
      s,
      ['a.x:2018:acknowledge', 'a.x:2019:acknowledge', 'a.x:2020:progress:Q1'].map((id) => o(id)),
    );
    s.materialised = { 'a.x': [2018, 2019, 2020] };
    s.todos = {
      'a.x:2019:acknowledge|p': {
        obligationIds: ['a.x:2019:acknowledge'],
        personId: 'p',
        unionId: 'u',
        todoId: 't1',
        done: true,
      },
      'a.x:2020:progress:Q1|p': {
        obligationIds: ['a.x:2020:progress:Q1'],
        personId: 'p',
        unionId: 'u',
        todoId: 't2',
        done: false,
      },
      'a.x:2018:yearEnd|p': { obligationIds: ['a.x:2018:yearEnd'], personId: 'p', unionId: 'u', done: false },
      'both|p': {
        obligationIds: ['a.x:2018:yearEnd', 'a.x:2020:progress:Q1'],
        personId: 'p',
        unionId: 'u',
        done: false,
      },
    };
    pruneInDraft(s, '2020-03-02');
    expect(storedObligations(s).map((x) => x.id)).toEqual(['a.x:2019:acknowledge', 'a.x:2020:progress:Q1']);
    expect(Object.keys(s.obligations)).toEqual(['2019', '2020']);
    expect(s.materialised).toEqual({ 'a.x': [2019, 2020] });
    expect(Object.keys(s.todos)).toEqual(['a.x:2020:progress:Q1|p', 'both|p']);
  });
});

describe('the planner’s sort', () => {
  it('orders by key and keeps ties in list order, packed or not', () => {
    const rng = seededRandom(testSeed(29));
    for (const high of [50, 2 ** 40]) {
      const list = Array.from({ length: 2000 }, (_, i) => ({ i, k: rng.int(0, 40) * (high / 50) }));
      const expected = [...list].sort((x, y) => x.k - y.k || x.i - y.i);
      expect(stableSort(list, (x) => x.k)).toEqual(expected);
    }
    expect(stableSort([], () => 0)).toEqual([]);
  });

  it('keeps its keys apart from a sort made by a key, and from the next sort, longer or shorter', () => {
    const rng = seededRandom(testSeed(31));
    const inner = Array.from({ length: 300 }, () => rng.int(0, 1000));
    const innerSorted = [...inner].sort((x, y) => x - y);
    // each key sorts another list with the same keys' array while the outer sort holds it
    const list = Array.from({ length: 700 }, (_, i) => ({ i, k: rng.int(0, 30) }));
    const sorted = stableSort(list, (x) => {
      expect(stableSort(inner, (v) => v)).toEqual(innerSorted);
      return x.k;
    });
    expect(sorted).toEqual([...list].sort((x, y) => x.k - y.k || x.i - y.i));
    for (const n of [5000, 40, 5000]) {
      const l = Array.from({ length: n }, () => rng.int(0, 99));
      expect(stableSort(l, (v) => v)).toEqual([...l].sort((x, y) => x - y));
    }
  });
});
