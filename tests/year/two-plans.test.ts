import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMessage } from '../../server/src/domain/reminders/digest-text.js';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { planTags } from '../../server/src/domain/obligations/obligation-book.js';
import { botHarness, buttonWords, previewImport, words } from '../helpers/bot-harness.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const PLAN = [
  '关于印发《越城区营商环境提升重点任务清单(2019-2020年)》的通知',
  '重点任务清单',
  '序号 | 重点任务 | 责任(牵头)单位 | 时间要求 |',
  '1 | 优化企业开办流程 | 府山街道 | 每年推进 |',
  '2 | 推进工程建设项目审批改革 | 北海街道 | 持续推进 |',
].join('\n');

describe('two plans at once name the plan (#31 req 3)', () => {
  let t: TestApp;
  let planId: string;
  let say: (text: string) => Promise<string>;
  let buttons: () => string[];
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-04T10:00:00+08:00');
    const up = await previewImport(t, 'ys.txt', Buffer.from(PLAN));
    planId = up.planId;
    expect((await t.inject({ method: 'POST', url: `/api/imports/${up.upload}/apply`, payload: {} })).statusCode).toBe(
      200,
    );
    // imported after the day's digest: owed from the next working day
    t.deps.clock.set('2019-03-05T10:00:00+08:00');
    const h = botHarness(t);
    say = async (text) => words(await h.say('p-fsjd-c', text));
    buttons = () => buttonWords(h.replies.at(-1)!);
  });
  afterAll(async () => t.close());

  it('我的任务 names each item’s plan', async () => {
    expect([...(planTags(t.store.state.get(), '2019-03-05')?.values() ?? [])].sort()).toEqual([
      '两强三提高',
      '营商环境提升',
    ]);
    const items = (await t.inject('/api/my/items', 'p-fsjd-c')).json().items as Array<{
      task: { id: string; plan?: string };
    }>;
    expect(items.some((i) => i.task.plan === '营商环境提升' && i.task.id.startsWith(planId))).toBe(true);
    expect(items.some((i) => i.task.plan === '两强三提高')).toBe(true);
    expect(items.every((i) => i.task.plan)).toBe(true);
  });

  it('the digest and the 待办 name the plan', () => {
    const { calendar, policy } = t.core;
    const plan = planReminders(t.store.state.get(), calendar, policy, new Date('2019-03-05T09:00:00+08:00'));
    const mine = plan.reminders.find((r) => r.personId === 'p-fsjd-c')!;
    const tags = planTags(t.store.state.get(), '2019-03-05')!;
    const planOf = (taskId: string) => tags.get(t.store.state.get().tasks.find((x) => x.id === taskId)!.planId);
    const text = (digestMessage(mine, 'http://x', 8, { planOf }) as { markdown: string }).markdown;
    expect(text).toContain('**两强三提高·重点任务1**');
    expect(text).toContain('两个方案编号相同时写上方案名');
    const todos = plan.todoCreates.filter((c) => c.personId === 'p-fsjd-c').map((c) => c.subject);
    expect(todos.some((s) => s.startsWith('营商环境提升·2019年度签收'))).toBe(true);
  });

  it('"收到 1" asks which plan; naming it acts on that plan’s task only', async () => {
    const seq = t.store.ledger.head().seq;
    expect(await say('收到 1')).toContain('重点任务1在「两强三提高」和「营商环境提升」2个方案中都有');
    expect(buttons()).toEqual(['收到 1 两强三提高', '收到 1 营商环境提升']);
    expect(t.store.ledger.head().seq).toBe(seq);
    expect(await say('收到 1 营商环境提升')).toContain('已签收:营商环境提升·重点任务1(府山街道)');
    const acked = t.store.state
      .get()
      .obligations['2019']?.[planId]?.filter((o) => o.kind === 'acknowledge' && o.status === 'fulfilled');
    expect(acked?.map((o) => o.assignmentId)).toEqual([`${planId}.k1.fsjd`]);
    // the seeded plan's task 1 is untouched
    const seeded = t.store.state
      .get()
      .obligations['2019']?.['yc-lqstg-2018']?.find((o) => o.id === 'yc-lqstg-2018.k1.fsjd:2019:acknowledge');
    expect(seeded?.status ?? 'open').toBe('open');
    // a task number only one plan has for this unit needs no name
    expect(await say('收到 9')).toContain('已签收:两强三提高·重点任务9(府山街道)');
  });
});
