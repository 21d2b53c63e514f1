import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('GET /api/board (#37 req 6)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it('counts the year’s 批示件, 督办通知单, pilots and 越城样本 — for the district’s readers only', async () => {
    const empty = (await t.inject('/api/board')).json();
    expect(empty).toMatchObject({
      year: 2019,
      instructions: { open: 0, overdue: 0, closed: 0 },
      sheets: { unsigned: 0, unanswered: 0, late: 0, answered: 0 },
      pilots: { national: 0, provincial: 0, city: 0 },
      samples: 0,
    });
    await t.inject({
      method: 'POST',
      url: '/api/instructions',
      payload: {
        leader: '区长 钱建国',
        text: '请抓紧研究',
        docTitle: '关于某事的报告',
        date: '2019-03-18',
        workingDays: 3,
        leadUnitIds: ['fsjd'],
      },
    });
    const item = storedObligations(t.store.state.get()).find((o) => o.unitId === 'bhjd' && o.status === 'open')!;
    await t.inject({
      method: 'POST',
      url: '/api/notice-sheets',
      payload: { unitId: 'bhjd', obligationIds: [item.id], text: '请抓紧办理', replyBy: '2019-03-25' },
    });
    await t.inject(
      {
        method: 'POST',
        url: '/api/pilots',
        payload: { level: 'national', name: '国家级试点', status: 'approved', doc: '国办〔2019〕1号' },
      },
      'p-fsjd-c',
    );
    const board = (await t.inject('/api/board', 'p-qzf-l1')).json();
    expect(board).toMatchObject({
      instructions: { open: 1, overdue: 0 },
      sheets: { unsigned: 1 },
      pilots: { national: 1 },
    });
    // a unit leader's overview is their own units': the district's board is not theirs
    expect((await t.inject('/api/board', 'p-fsjd-l')).statusCode).toBe(403);
    t.deps.clock.set('2019-03-27T10:00:00+08:00');
    expect((await t.inject('/api/board')).json()).toMatchObject({ instructions: { overdue: 1 }, sheets: { late: 1 } });
  });
});
