import { describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, toast } from '../helpers/browser.js';
import { liveStory } from '../helpers/live-app.js';

const TASK = 'yc-lqstg-2018.k1';

/** #37 req 2's browser story: an evaluation with one finding turned 整改 and re-checked. */
describe('第三方评估 in the mini-app', () => {
  const story = liveStory('2019-09-16T10:00:00+08:00');

  it('the evaluator records a finding that needs 整改; the unit rectifies; the evaluator re-checks it', async () => {
    const { live, browser } = story;
    const { t } = live;
    const opened = await t.inject({
      method: 'POST',
      url: '/api/evaluations',
      payload: {
        title: '2019年实施方案推进情况第三方评估',
        org: '某某评估研究院',
        period: { from: '2019-09-01', to: '2019-10-31' },
        taskIds: [TASK],
        unitIds: ['fsjd', 'bhjd'],
        evaluatorIds: ['p-eval-1'],
      },
    });
    expect(opened.statusCode).toBe(200);

    const evaluator = await devSignIn(browser, live.url, '葛思源', '葛思源', true);
    await evaluator.goto(`${live.url}/app/#/evaluations`);
    await evaluator.locator('button', { hasText: '记录评估发现' }).click();
    const form = evaluator.locator('.decide-sheet');
    await form.locator('.adm-selector-item', { hasText: '府山街道' }).click();
    await form.locator('textarea').fill('主题教育学习台账不全');
    await form.locator('input[type="number"]').fill('72');
    await form.locator('input[type="date"]').fill('2019-10-15');
    await form.locator('button', { hasText: '记录' }).click();
    await toast(evaluator, '已记录');
    await evaluator
      .locator('.finding', { hasText: '主题教育学习台账不全' })
      .locator('.adm-tag', { hasText: '待整改' })
      .waitFor();

    // the unit reports its 整改 and the office approves it (the API, as the unit and office pages do)
    const f = t.store.state.get().evaluations![opened.json().id]!.findings[0]!;
    const itemId = `${TASK}.fsjd:2019:manual:${f.rectify!.manualId}`;
    const rep = await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${TASK}.fsjd/reports`,
        payload: { text: '已补齐学习台账', obligationId: itemId },
      },
      'p-fsjd-c',
    );
    expect(rep.statusCode).toBe(200);
    const review = Object.values(t.store.state.get().requests).find((r) => r.obligationIds.includes(itemId))!;
    expect((await t.inject({ method: 'POST', url: `/api/reviews/${review.id}/approve`, payload: {} })).statusCode).toBe(
      200,
    );

    await evaluator.reload();
    const finding = evaluator.locator('.finding', { hasText: '主题教育学习台账不全' });
    await finding.locator('.adm-tag', { hasText: '已整改' }).waitFor();
    await finding.locator('button', { hasText: '二次评估' }).click();
    await evaluator.locator('.adm-dialog-button', { hasText: '整改到位' }).click();
    await toast(evaluator, '已记录二次评估');
    await finding.locator('.adm-tag', { hasText: '二次评估:整改到位' }).waitFor();
    await evaluator.reload(); // the page as it opens now (no dialog fading out)
    await evaluator.locator('.finding .adm-tag', { hasText: '二次评估:整改到位' }).waitFor();
    await evaluator.screenshot({ path: `${ARTIFACTS}/evaluation-wide.png`, fullPage: true });
  }, 90_000);
});
