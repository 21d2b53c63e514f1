import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { seededApp, SUPERVISOR, type TestApp } from '../helpers/test-app.js';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

// 府山街道 (fsjd) is named through 各镇人民政府、街道办事处 on key task 1
const FS_CONTACT = 'p-fsjd-c';
const TASK = 'yc-lqstg-2018.k1';
const FS = `${TASK}.fsjd`;
const MID = `${FS}:2019:midYear`;
const EVALUATOR = 'p-eval-1';

describe('the 督考办 workbench API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await seededApp();
  });
  afterEach(async () => t.close());

  const rules = () => ({ calendar: t.core.calendar, policy: t.core.policy });
  const post = (url: string, payload: unknown, person: string | null = SUPERVISOR) =>
    t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);
  const pending = async () => (await t.inject('/api/reviews?status=pending')).json();
  const decisionNotices = () =>
    t.store.state
      .get()
      .outbox.flatMap((r) =>
        r.kind === 'notice' && r.payload.kind === 'decision'
          ? [{ personId: r.personId, message: r.payload.message }]
          : [],
      );

  it('a reviewed report waits in the queue; returned with a comment it opens again and the unit hears why; refiled and approved it is done', async () => {
    const filed = await post(
      `/api/assignments/${FS}/reports`,
      { text: '上半年完成试点申报', obligationId: MID },
      FS_CONTACT,
    );
    expect(filed.statusCode).toBe(200);
    expect(findObligation(t.store.state.get(), MID)!.status).toBe('fulfilled');

    const queue = await pending();
    expect(queue.total).toBe(1);
    expect(queue.items[0]).toMatchObject({
      id: `R${filed.json().seq}`,
      kind: 'report',
      status: 'pending',
      assignmentId: FS,
      taskId: TASK,
      unitId: 'fsjd',
      unit: { name: '府山街道' },
      items: [{ obligationId: MID, label: '年中督查报告' }],
      text: '上半年完成试点申报',
    });
    const id = queue.items[0].id as string;

    // a contact, an evaluator: the table decides before anything is read
    expect((await t.inject('/api/reviews', FS_CONTACT)).json()).toMatchObject({ code: 'NOT_PERMITTED' });
    expect((await t.inject('/api/reviews', EVALUATOR)).statusCode).toBe(200);
    const byEvaluator = await post(`/api/reviews/${id}/approve`, {}, EVALUATOR);
    expect(byEvaluator.statusCode).toBe(403);
    expect(byEvaluator.json().code).toBe('NOT_PERMITTED');

    // 退回 needs a reason: nothing changes without one
    const seq = t.store.ledger.head().seq;
    const bare = await post(`/api/reviews/${id}/return`, { comment: '  ' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toEqual({ code: 'COMMENT_REQUIRED', message: expect.stringContaining('理由') });
    expect(t.store.ledger.head().seq).toBe(seq);

    const returned = await post(`/api/reviews/${id}/return`, { comment: '请补充试点申报的批复文件' });
    expect(returned.statusCode).toBe(200);
    expect(returned.json()).toMatchObject({
      id,
      status: 'returned',
      comment: '请补充试点申报的批复文件',
      decidedBy: '周晓梅',
    });
    expect(findObligation(t.store.state.get(), MID)).toMatchObject({ status: 'open' });
    expect(findObligation(t.store.state.get(), MID)!.doneAt).toBeUndefined();
    const events = [];
    for await (const e of t.store.ledger.read(seq + 1)) events.push(e);
    const [event] = events;
    expect(event).toMatchObject({
      type: 'review.returned',
      actor: { id: SUPERVISOR },
      payload: {
        requestId: id,
        kind: 'report',
        comment: '请补充试点申报的批复文件',
        obligations: [MID],
        before: 'pending',
        after: 'returned',
      },
    });
    // the unit's contact hears at once, with the comment and a link to the task
    const notices = decisionNotices();
    expect(notices.map((n) => n.personId)).toEqual([FS_CONTACT]);
    expect(JSON.stringify(notices[0]!.message)).toContain('请补充试点申报的批复文件');
    expect(JSON.stringify(notices[0]!.message)).toContain(`/app/#/tasks/${TASK}`);
    // decided once only
    const again = await post(`/api/reviews/${id}/approve`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('REVIEW_DECIDED');

    // the contact sees the comment on the task and a yellow light saying why
    const overview = (await t.inject(`/api/tasks/${TASK}/overview`, FS_CONTACT)).json();
    expect(overview.mine[0].decisions[0]).toMatchObject({
      id,
      kind: 'report',
      state: 'returned',
      comment: '请补充试点申报的批复文件',
    });
    expect(overview.mine[0].reportTargets.map((i: { obligationId: string }) => i.obligationId)).toContain(MID);

    const refiled = await post(
      `/api/assignments/${FS}/reports`,
      { text: '已补充批复文件', obligationId: MID },
      FS_CONTACT,
    );
    const second = `R${refiled.json().seq}`;
    expect((await pending()).items.map((i: { id: string }) => i.id)).toEqual([second]);
    const approved = await post(`/api/reviews/${second}/approve`, {});
    expect(approved.json()).toMatchObject({ status: 'approved', effect: '审核通过' });
    expect(findObligation(t.store.state.get(), MID)!.status).toBe('fulfilled');
    expect((await pending()).total).toBe(0);
  });

  it('an approved 延期 moves the due date in 我的任务 and in the next digest; 不同意 leaves it', async () => {
    t.deps.clock.set('2019-06-20T09:00:00+08:00'); // 年中督查报告 has opened (due 6月25日)
    const offered = (await t.inject(`/api/tasks/${TASK}/overview`, FS_CONTACT)).json().mine[0].extendable as Array<{
      obligationId: string;
      due: string;
    }>;
    const { obligationId: ack, due } = offered.find((i) => i.obligationId.includes(':2019:'))!;
    const until = rules().calendar.addWorkingDays(due, 10);
    const asked = await post(
      `/api/assignments/${FS}/extension-requests`,
      { obligationId: ack, until, reason: '主要负责人外出学习' },
      FS_CONTACT,
    );
    expect(asked.json()).toMatchObject({ state: 'pending' });
    const approved = await post(`/api/reviews/${asked.json().id}/approve`, { comment: '同意' });
    expect(approved.json()).toMatchObject({
      status: 'approved',
      kind: 'extension',
      items: [{ obligationId: ack, due: until }],
    });
    expect(findObligation(t.store.state.get(), ack)).toMatchObject({ due: until, originalDue: due });
    const mine = (await t.inject('/api/my/items', FS_CONTACT)).json();
    expect(mine.items.find((i: { obligationId: string }) => i.obligationId === ack)).toMatchObject({
      due: until,
      light: 'green',
    });
    // the day after the old due date: no overdue reminder for it
    const plan = planReminders(
      t.store.state.get(),
      rules().calendar,
      rules().policy,
      new Date(`${rules().calendar.addWorkingDays(due, 1)}T09:00:00+08:00`),
    );
    expect(plan.reminders.flatMap((r) => r.items).filter((i) => i.obligationId === ack)).toEqual([]);
    const onNewDue = planReminders(
      t.store.state.get(),
      rules().calendar,
      rules().policy,
      new Date(`${until}T09:00:00+08:00`),
    );
    expect(onNewDue.reminders.flatMap((r) => r.items).find((i) => i.obligationId === ack)).toMatchObject({
      due: until,
      stage: 'due',
    });

    const other = `${TASK}.bhjd`;
    const asked2 = await post(
      `/api/assignments/${other}/extension-requests`,
      { obligationId: ack.replace(FS, other), until, reason: '人手不足' },
      'p-bhjd-c',
    );
    const refused = await post(`/api/reviews/${asked2.json().id}/return`, { comment: '按期完成' });
    expect(refused.json()).toMatchObject({ status: 'returned', effect: expect.stringContaining('不同意延期') });
    expect(findObligation(t.store.state.get(), ack.replace(FS, other))!.due).toBe(due);
  });

  it("an approved 办结 closes the unit's part: no more reminders, 已办结 on the overview, and acting on it is refused (mini-app and bot alike)", async () => {
    const asked = await post(`/api/assignments/${FS}/closure-requests`, { text: '试点已全部完成' }, FS_CONTACT);
    await post(`/api/reviews/${asked.json().id}/approve`, {});
    const s = t.store.state.get();
    expect(s.assignments.find((a) => a.id === FS)!.status).toBe('closed');
    expect(storedObligations(s).filter((o) => o.assignmentId === FS && o.status === 'open')).toEqual([]);
    const plan = planReminders(s, rules().calendar, rules().policy, new Date('2019-12-31T09:00:00+08:00'));
    expect(plan.reminders.flatMap((r) => r.items).filter((i) => i.obligationId.startsWith(`${FS}:`))).toEqual([]);
    const report = await post(`/api/assignments/${FS}/reports`, { text: '继续推进' }, FS_CONTACT);
    expect(report.statusCode).toBe(409);
    expect(report.json()).toEqual({ code: 'ASSIGNMENT_CLOSED', message: expect.stringContaining('已办结') });
    const parts = (await t.inject(`/api/overview/parts?taskId=${TASK}&unitId=fsjd`)).json();
    expect(parts.items).toEqual([
      expect.objectContaining({ assignmentId: FS, status: 'closed', light: 'green', reason: '已办结' }),
    ]);
  });

  it("a 牵头单位's approved 办结 closes its 配合单位' parts too (completion is credited to the lead), and tells them", async () => {
    const K22 = 'yc-lqstg-2018.k22';
    const parts = (await t.inject(`/api/tasks/${K22}/units`)).json().parts as Array<{
      unit: { id: string };
      roleName: string;
    }>;
    expect(parts.map((p) => `${p.unit.id}:${p.roleName}`).sort()).toEqual(['fzb:牵头单位', 'sfj:配合单位']);
    // the lead sees its co-unit's part; the co-unit sees only its own
    expect((await t.inject(`/api/tasks/${K22}/units`, 'p-fzb-c')).json().parts).toHaveLength(2);
    expect(
      (await t.inject(`/api/tasks/${K22}/units`, 'p-sfj-c'))
        .json()
        .parts.map((p: { unit: { id: string } }) => p.unit.id),
    ).toEqual(['sfj']);
    const asked = await post(
      `/api/assignments/${K22}.fzb/closure-requests`,
      { text: '公职律师制度已全面落实' },
      'p-fzb-c',
    );
    await post(`/api/reviews/${asked.json().id}/approve`, {});
    const s = t.store.state.get();
    expect(
      s.assignments
        .filter((a) => a.taskId === K22)
        .map((a) => `${a.unitId}:${a.status}`)
        .sort(),
    ).toEqual(['fzb:closed', 'sfj:closed']);
    expect(
      decisionNotices()
        .map((n) => n.personId)
        .sort(),
    ).toEqual(['p-fzb-c', 'p-sfj-c']);
    expect((await post(`/api/assignments/${K22}.sfj/reports`, { text: '继续' }, 'p-sfj-c')).json().code).toBe(
      'ASSIGNMENT_CLOSED',
    );
  });

  it("two steps (policy review.leaderFirst): the unit's 分管领导 confirms before the 督考办 sees it, or returns it", async () => {
    const policy = { ...rules().policy, review: { ...rules().policy.review, leaderFirst: true } };
    await t.app.close();
    t.app = await t.rebuild({ policy });
    const asked = await post(`/api/assignments/${FS}/closure-requests`, { text: '试点已全部完成' }, FS_CONTACT);
    expect(asked.json()).toMatchObject({ state: 'leaderPending' });
    // the unit's leader hears of it at once; the 督考办 sees nothing yet and cannot decide it
    const asks = t.store.state
      .get()
      .outbox.filter((r) => r.kind === 'notice' && r.key.startsWith(`confirm:${asked.json().id}:`));
    expect(asks.map((r) => r.personId)).toEqual(['p-fsjd-l']);
    expect((await pending()).total).toBe(0);
    const early = await post(`/api/reviews/${asked.json().id}/approve`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain('待本单位分管领导确认');
    // another unit's leader cannot confirm it; a contact has no such action
    expect((await t.inject('/api/unit-reviews', 'p-bhjd-l')).json().total).toBe(0);
    expect((await post(`/api/reviews/${asked.json().id}/confirm`, {}, 'p-bhjd-l')).json().code).toBe('FORBIDDEN');
    expect((await post(`/api/reviews/${asked.json().id}/confirm`, {}, FS_CONTACT)).json().code).toBe('NOT_PERMITTED');
    const mine = (await t.inject('/api/unit-reviews', 'p-fsjd-l')).json();
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([asked.json().id]);
    const confirmed = await post(`/api/reviews/${asked.json().id}/confirm`, {}, 'p-fsjd-l');
    expect(confirmed.json()).toMatchObject({ status: 'pending' });
    expect((await pending()).items.map((i: { id: string }) => i.id)).toEqual([asked.json().id]);
    await post(`/api/reviews/${asked.json().id}/approve`, {});
    expect(t.store.state.get().assignments.find((a) => a.id === FS)!.status).toBe('closed');

    // a leader's return ends it as the 督考办's would: a report's item opens again, the contact hears why
    t.deps.clock.set('2019-06-20T09:00:00+08:00');
    const BH = `${TASK}.bhjd`;
    const report = await post(
      `/api/assignments/${BH}/reports`,
      { text: '年中报告', obligationId: `${BH}:2019:midYear` },
      'p-bhjd-c',
    );
    const id = `R${report.json().seq}`;
    expect(t.store.state.get().requests[id]!.state).toBe('leaderPending');
    const back = await post(`/api/reviews/${id}/leader-return`, { comment: '数据需核实' }, 'p-bhjd-l');
    expect(back.json()).toMatchObject({ status: 'returned', comment: '数据需核实' });
    expect(findObligation(t.store.state.get(), `${BH}:2019:midYear`)!.status).toBe('open');
    expect(
      decisionNotices().some(
        (n) => n.personId === 'p-bhjd-c' && JSON.stringify(n.message).includes('单位分管领导审核结果'),
      ),
    ).toBe(true);
  });

  it("naming the units behind task 19's 待明确 placeholder gives them assignments, a 签收 due from today and nothing past; health counts one task less", async () => {
    const s0 = t.store.state.get();
    const task19 = s0.tasks.find((x) => x.kind === 'key' && x.number === 19)!;
    const holder = s0.assignments.find((a) => a.taskId === task19.id && a.status === 'toDesignate')!;
    const before = (await t.inject('/api/health', null)).json().placeholders.tasks;
    const units = (await t.inject(`/api/tasks/${task19.id}/units`)).json();
    expect(units.placeholders).toEqual([expect.objectContaining({ assignmentId: holder.id })]);

    expect((await post(`/api/assignments/${holder.id}/designate`, { unitIds: ['sfj'] }, FS_CONTACT)).json().code).toBe(
      'NOT_PERMITTED',
    );
    expect((await post(`/api/assignments/${holder.id}/designate`, { unitIds: ['nope'] })).json().code).toBe(
      'DESIGNATION_INVALID',
    );
    const named = await post(`/api/assignments/${holder.id}/designate`, { unitIds: ['sfj', 'zfw'] });
    expect(named.statusCode).toBe(200);
    expect(named.json().assignments.map((a: { unit: { id: string } }) => a.unit.id)).toEqual(['sfj', 'zfw']);
    const s = t.store.state.get();
    expect(s.assignments.find((a) => a.id === holder.id)!.status).toBe('designated');
    const ack = findObligation(s, `${task19.id}.sfj:2019:acknowledge`)!;
    expect(ack).toMatchObject({ status: 'open', opensOn: '2019-03-01' });
    expect(ack.due > '2019-03-01').toBe(true);
    expect(
      storedObligations(s)
        .filter((o) => o.assignmentId === `${task19.id}.sfj` && o.status === 'open')
        .every((o) => o.due >= '2019-03-01'),
    ).toBe(true);
    expect((await t.inject('/api/health', null)).json().placeholders.tasks).toBe(before - 1);
    expect((await post(`/api/assignments/${holder.id}/designate`, { unitIds: ['bb'] })).statusCode).toBe(409);

    // reminded the next working day
    const next = rules().calendar.addWorkingDays('2019-03-01', 1);
    const plan = planReminders(s, rules().calendar, rules().policy, new Date(`${next}T09:00:00+08:00`));
    const items = plan.reminders
      .filter((r) => r.personId === 'p-sfj-c')
      .flatMap((r) => [...r.items, ...(r.also ?? [])]);
    expect(items.some((i) => i.obligationId === ack.id)).toBe(true);
    // the task page names them, and the placeholder is no longer a unit tag
    const task = (await t.inject(`/api/tasks/${task19.id}`)).json();
    expect(
      task.assignments
        .filter((a: { status: string }) => a.status === 'active')
        .map((a: { unitId: string }) => a.unitId),
    ).toEqual(expect.arrayContaining(['sfj', 'zfw']));
  });

  it('the overview: units and sections each add up to the totals; a drill-down lists exactly what a count counts', async () => {
    t.deps.clock.set('2019-04-10T09:00:00+08:00');
    const o = (await t.inject('/api/overview')).json();
    const total = o.lights.red + o.lights.yellow + o.lights.green;
    expect(total).toBeGreaterThan(100);
    for (const rows of [o.units, o.sections]) {
      for (const k of ['red', 'yellow', 'green'] as const)
        expect(rows.reduce((n: number, r: Record<string, number>) => n + r[k]!, 0)).toBe(o.lights[k]);
    }
    const unit = o.units[0];
    const parts = (await t.inject(`/api/overview/parts?unitId=${unit.unitId}&light=red`)).json();
    expect(parts.total).toBe(unit.red);
    expect(
      parts.items.every((p: { light: string; reason: string }) => p.light === 'red' && p.reason.includes('已逾期')),
    ).toBe(true);
    expect(o.placeholders.tasks).toBeGreaterThanOrEqual(2);

    // a unit leader sees their own units; a contact has no overview; the evaluator reads it
    const leader = (await t.inject('/api/overview', 'p-fsjd-l')).json();
    expect(leader.scope).toBe('units');
    expect(leader.units.map((u: { unitId: string }) => u.unitId)).toEqual(['fsjd']);
    expect((await t.inject('/api/overview', FS_CONTACT)).json().code).toBe('NOT_PERMITTED');
    expect((await t.inject('/api/overview', EVALUATOR)).statusCode).toBe(200);
    expect((await t.inject('/api/overview?year=2016')).json().code).toBe('VALIDATION_FAILED');
  });
});
