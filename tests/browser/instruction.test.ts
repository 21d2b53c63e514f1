import { describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, toast } from '../helpers/browser.js';
import { liveStory } from '../helpers/live-app.js';

/** #37 req 4's browser story: a 批示件 registered, signed by the unit, 办结, reported to the leader. */
describe('领导批示件 in the mini-app', () => {
  const story = liveStory('2019-03-20T10:00:00+08:00');

  it('the 督考办 registers one; the unit signs it on its task page; its 办结 goes back to the leader', async () => {
    const { live, browser } = story;
    const office = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    await office.goto(`${live.url}/app/#/instructions`);
    await office.locator('button', { hasText: '登记领导批示件' }).click();
    const form = office.locator('.decide-sheet');
    await form.locator('.adm-selector-item', { hasText: '钱建国' }).click();
    await form.locator('textarea').fill('请府山街道抓紧研究老旧小区加装电梯的推进办法,一周内报我。');
    await form.locator('input[placeholder="批示所在的文件"]').fill('关于老旧小区加装电梯情况的报告');
    await form.locator('input[placeholder^="如 越建"]').fill('越建〔2019〕12号');
    await form.locator('.adm-selector-item').getByText('急', { exact: true }).click();
    await form.locator('[data-testid="image-input"]').setInputFiles({
      name: '批示页.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from([
        0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 1, 2, 3, 4, 0xff, 0xd9,
      ]),
    });
    await form.locator('.file-done', { hasText: '批示页.jpg' }).waitFor();
    const lists = form.locator('.adm-search-bar input');
    await lists.nth(0).fill('府山');
    await form.locator('.sheet-list').nth(0).locator('.adm-list-item', { hasText: '府山街道' }).click();
    await office.screenshot({ path: `${ARTIFACTS}/instruction-register.png` });
    await form.locator('button', { hasText: '登记并通知' }).click();
    await toast(office, '已登记批示件1');
    const card = office.locator('.instruction-card', { hasText: '批示件1' });
    await card.waitFor();
    expect(await card.innerText()).toContain('府山街道(牵头·未签收)');
    expect(await card.locator('.adm-tag').first().innerText()).toBe('急');
    expect(live.t.store.state.get().instructions?.['instructions.i1']?.photo).toMatch(/^[0-9a-f]{64}$/);

    // the unit opens it from its notice: the task page, where it signs
    await live.sendReminders();
    const unit = await devSignIn(browser, live.url, '石刚', '石刚');
    await unit.goto(`${live.url}/app/#/tasks/instructions.i1`);
    await unit.locator('h1, .task-title, .adm-nav-bar', { hasText: '批示件1' }).first().waitFor();
    await unit.locator('button', { hasText: '签收' }).first().click();
    await unit.locator('.adm-tag', { hasText: '已签收' }).first().waitFor();
    await unit.screenshot({ path: `${ARTIFACTS}/instruction-task-phone.png`, fullPage: true });

    // 办结: requested and approved (through the API, as other stories do in the browser)
    const { t } = live;
    expect(
      (
        await t.inject(
          {
            method: 'POST',
            url: '/api/assignments/instructions.i1.fsjd/closure-requests',
            payload: { text: '推进办法已报区长' },
          },
          'p-fsjd-c',
        )
      ).statusCode,
    ).toBe(200);
    const id = Object.values(t.store.state.get().requests).find((r) => r.taskId === 'instructions.i1')!.id;
    expect((await t.inject({ method: 'POST', url: `/api/reviews/${id}/approve`, payload: {} })).statusCode).toBe(200);
    await office.reload();
    await office.locator('.instruction-card .decision', { hasText: '已向区长 钱建国反馈办理结果' }).waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/instruction-list.png`, fullPage: true });
  }, 90_000);
});
