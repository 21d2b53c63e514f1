import { readFileSync } from 'node:fs';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewImport } from '../helpers/bot-harness.js';
import { ROOT } from '../helpers/seeds.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const SEED = readFileSync(`${ROOT}seeds/plans/yuecheng-2018-lqstg.txt`, 'utf8');
const ACTIVE = 'yc-lqstg-2018';

/** The seed plan with only its first measure left (its 重点任务清单 gone too), under `title`. */
function cutDown(title?: string): Buffer {
  const lines = SEED.split('\n');
  const cut = lines.findIndex((l) => l.startsWith('2.加强思想建设'));
  const kept = lines.slice(0, cut).join('\n');
  return Buffer.from(title ? kept.replaceAll('政府“两强三提高”建设行动计划', title) : kept);
}

describe('replacing the active plan (#33 req 7)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  const apply = (upload: string, body: Record<string, unknown>) =>
    t.inject({ method: 'POST', url: `/api/imports/${upload}/apply`, payload: body });
  const tasks = async () => (await t.inject('/api/tasks?limit=500')).json().total as number;

  it('a re-uploaded file with a new id that keeps 1 of 74 tasks is compared with the active plan and needs the count confirmed', async () => {
    expect(await tasks()).toBe(74);
    const p = await previewImport(t, '数字政府建设方案.txt', cutDown('数字政府建设行动计划'));
    expect(p.planId).not.toBe(ACTIVE);
    expect(p.replaces).toBe(false);
    expect(p.loss).toBeNull();
    expect(p.lossIfActive).toMatchObject({ planId: ACTIVE, total: 74, lostCount: 73 });
    expect(p.lossIfActive!.lost[0]).toMatchObject({ label: '任务2', title: expect.stringContaining('思想建设') });

    const seq = t.store.ledger.head().seq;
    const refused = await apply(p.upload, { activate: true });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'IMPORT_LOSES_TASKS' });
    expect(refused.json().message).toContain('74 项任务中有 73 项不在新文件里');
    expect(refused.json().details).toHaveLength(73);
    t.later(60_000);
    expect((await apply(p.upload, { activate: true, confirmLost: 72 })).json().code).toBe('IMPORT_LOSES_TASKS');
    expect(t.store.ledger.head().seq).toBe(seq);
    expect(await tasks()).toBe(74);

    // not made current, it replaces nothing: imported beside the active plan
    const beside = await apply(p.upload, { activate: false });
    expect(beside.json()).toMatchObject({ changed: true, active: false, tasks: 1 });
    expect(t.store.state.get().activePlanId).toBe(ACTIVE);

    t.later(60_000);
    const again = await previewImport(t, '数字政府建设方案.txt', cutDown('数字政府建设行动计划'));
    const replaced = await apply(again.upload, { activate: true, confirmLost: 73 });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ active: true });
    let event: LedgerEvent | undefined;
    for await (const e of t.store.ledger.read()) if (e.type === 'plan.imported') event = e;
    expect(event).toMatchObject({
      type: 'plan.imported',
      payload: { replacedActive: ACTIVE, lost: { planId: ACTIVE } },
    });
    expect((event!.payload as { lost: { tasks: unknown[] } }).lost.tasks).toHaveLength(73);

    // the old plan stays: listed, and made current again in one step
    const plans = (await t.inject('/api/plans')).json().items as { id: string; active: boolean }[];
    expect(plans.map((x) => [x.id, x.active])).toEqual(
      expect.arrayContaining([
        [ACTIVE, false],
        [p.planId, true],
      ]),
    );
    const back = await t.inject({ method: 'POST', url: `/api/plans/${ACTIVE}/activate` });
    expect(back.json()).toEqual({ planId: ACTIVE, previous: p.planId, changed: true });
    const activated: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read()) if (e.type === 'plan.activated') activated.push(e);
    expect(activated.at(-1)).toMatchObject({ type: 'plan.activated', payload: { previous: p.planId } });
    expect(t.store.state.get().activePlanId).toBe(ACTIVE);
    expect((await t.inject({ method: 'POST', url: '/api/plans/nope/activate' })).json().code).toBe('PLAN_NOT_FOUND');
    expect((await t.inject({ method: 'POST', url: `/api/plans/${ACTIVE}/activate` }, 'p-fsjd-c')).statusCode).toBe(403);
  });

  it('another plan made current replaces nothing: no loss, no confirmation, the old plan keeps running', async () => {
    t.deps.clock.set('2026-01-06T10:00:00+08:00');
    const other = await previewImport(t, 'plan-2026.txt', readFileSync(`${ROOT}tests/fixtures/plan-2026.txt`));
    expect(other.lossIfActive).toBeNull();
    expect((await apply(other.upload, { activate: true })).json()).toMatchObject({ changed: true, active: true });
    expect(t.store.state.get().tasks.filter((x) => x.planId === ACTIVE)).toHaveLength(74);
    await t.inject({ method: 'POST', url: `/api/plans/${ACTIVE}/activate` });
    t.deps.clock.set('2019-03-01T09:00:00+08:00');
  });

  it('the same plan re-uploaded with tasks left out: the loss is shown and must be confirmed, whatever its size', async () => {
    const whole = await previewImport(t, '两强三提高.txt', Buffer.from(SEED));
    expect((await apply(whole.upload, {})).statusCode).toBe(200);
    const p = await previewImport(t, '两强三提高.txt', cutDown());
    expect(p.planId).toBe(whole.planId);
    expect(p.replaces).toBe(true);
    expect(p.loss).toMatchObject({ planId: whole.planId, lostCount: 73 });
    expect((await apply(p.upload, {})).json().code).toBe('IMPORT_LOSES_TASKS');
    // a document that loses nothing needs no confirmation
    t.later(60_000);
    const same = await previewImport(t, '两强三提高.txt', Buffer.from(SEED));
    expect(same.loss).toMatchObject({ lostCount: 0 });
    expect((await apply(same.upload, {})).json()).toMatchObject({ changed: false });
  });
});
