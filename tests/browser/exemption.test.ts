import { describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, toast } from '../helpers/browser.js';
import { liveStory } from '../helpers/live-app.js';

/** #37 req 3's browser story: a 通报批评, the unit's 容错免责 claim, accepted; the deduction gone from 考评 with the trace. */
describe('容错免责 in the mini-app', () => {
  const story = liveStory('2019-03-20T10:00:00+08:00');

  it('the unit claims against a 通报批评 from the 通报 page; the 督考办 accepts; 考评 shows the line lifted and why', async () => {
    const { live, browser } = story;
    const { t } = live;
    const b = await t.inject({
      method: 'POST',
      url: '/api/bulletins',
      payload: {
        kind: 'criticism',
        unitIds: ['fsjd'],
        taskId: 'yc-lqstg-2018.k1',
        text: '府山街道未按期开展主题教育专项工作',
        rectifyBy: '2019-04-10',
      },
    });
    expect(b.statusCode).toBe(200);

    const unit = await devSignIn(browser, live.url, '石刚', '石刚');
    await unit.goto(`${live.url}/app/#/bulletins`);
    await unit
      .locator('.bulletin', { hasText: '府山街道未按期开展' })
      .locator('button', { hasText: '申请容错免责' })
      .click();
    await unit.locator('.sheet-title', { hasText: '申请容错免责' }).waitFor();
    await unit.locator('.decide-sheet .adm-selector-item', { hasText: '先行先试、改革探索' }).click();
    await unit
      .locator('.decide-sheet textarea')
      .fill('主题教育专项工作按区委深改组同意的试点方案先行探索,时间节点与通报所据文件不一致。');
    await unit.locator('.decide-sheet [data-testid="file-input"]').setInputFiles({
      name: '试点方案批复.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await unit.locator('.decide-sheet .file-done', { hasText: '试点方案批复.pdf' }).waitFor();
    await unit.screenshot({ path: `${ARTIFACTS}/exemption-claim-phone.png` });
    await unit.locator('button', { hasText: '提交申请' }).click();
    await toast(unit, '已提交容错免责申请');
    await unit.locator('.exemption-card', { hasText: '待督考办审核' }).waitFor();
    expect(Object.values(live.t.store.state.get().exemptions ?? {})[0]?.evidence.map((e) => e.name)).toEqual([
      '试点方案批复.pdf',
    ]);

    const office = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    await office.goto(`${live.url}/app/#/exemptions`);
    const card = office.locator('.exemption-card', { hasText: '府山街道' });
    await card.locator('button', { hasText: '予以免责' }).click();
    await office.locator('.adm-dialog textarea').fill('符合先行先试情形');
    await office.locator('.adm-dialog-button', { hasText: '确定' }).click();
    await toast(office, '已办理');
    await office
      .locator('.exemption-card', { hasText: '予以免责' })
      .locator('.decision', { hasText: '扣分取消' })
      .waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/exemption-cases.png`, fullPage: true });

    // the year's 考评, computed and published after the year: the unit reads the lifted line and its trace
    t.deps.clock.set('2020-01-06T10:00:00+08:00');
    for (const step of ['compute', 'publish'])
      expect((await t.inject({ method: 'POST', url: `/api/assessments/2019/${step}` })).statusCode).toBe(200);
    // (a new sign-in: the clock moved past the session's life)
    const later = await devSignIn(browser, live.url, '石刚', '石刚');
    await later.goto(`${live.url}/app/#/assessment/2019/fsjd`);
    const line = later.locator('.score-lines .adm-list-item', { hasText: '通报批评' });
    await line.locator('.decision', { hasText: '容错免责(先行先试、改革探索):扣分取消' }).waitFor();
    expect(await line.locator('s').innerText()).toContain('-1');
    await later.screenshot({ path: `${ARTIFACTS}/exemption-assessment-phone.png`, fullPage: true });
  }, 90_000);
});
