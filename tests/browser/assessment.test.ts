import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, launchChromium, toast } from '../helpers/browser.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';

const TEXT = 'textarea:not([aria-hidden])';

describe('年度考评 in a browser (#12)', () => {
  let live: LiveApp;
  let browser: Browser;
  beforeAll(async () => {
    live = await startLiveApp('2020-01-06T10:00:00+08:00');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const signIn = (search: string, name: string, wide = false): Promise<Page> =>
    devSignIn(browser, live.url, search, name, wide);

  it('the 督考办 computes and publishes; a unit reads every point and appeals one; the appeal is accepted and the score recomputed', async () => {
    const errors: string[] = [];
    const office = await signIn('周晓梅', '周晓梅', true);
    office.on('pageerror', (e) => errors.push(e.message));
    await office.locator('.todo-list .adm-list-item', { hasText: '考评' }).click();
    await office.locator('button', { hasText: '计算' }).click();
    await toast(office, '已计算草稿');
    await office.locator('.ranking .adm-list-item').first().waitFor();
    await office.locator('button', { hasText: '公布' }).click();
    await office.locator('.adm-dialog button', { hasText: '确定' }).click();
    await toast(office, '已公布');
    await office.locator('.adm-toast-main').waitFor({ state: 'detached' });
    await office.screenshot({ path: `${ARTIFACTS}/assessment-ranking.png` });

    const contact = await signIn('府山街道', '石刚');
    contact.on('pageerror', (e) => errors.push(e.message));
    await contact.goto(`${live.url}/app/#/assessment/2019/fsjd`);
    const raw = async () =>
      (await live.t.inject('/api/assessments/2019/units/fsjd', 'p-fsjd-c')).json().score.raw as number;
    const before = await raw();
    await contact.locator('.appeal-btn').first().click();
    await contact.locator(`.appeal ${TEXT}`).fill('已于截止日前线下报送,附报送回执');
    await contact.locator('.appeal button', { hasText: '提交申诉' }).click();
    await toast(contact, '申诉已提交');
    await contact.locator('.decision-pending', { hasText: '申诉待处理' }).waitFor();
    await contact.locator('.adm-toast-main').waitFor({ state: 'detached' });
    await contact.screenshot({ path: `${ARTIFACTS}/assessment-unit.png` });

    await office.reload();
    await office
      .locator('.appeals .adm-list-item', { hasText: '府山街道' })
      .locator('button', { hasText: '采纳' })
      .click();
    await office.locator('.adm-dialog button', { hasText: '确定' }).click();
    await toast(office, '已采纳');
    await contact.reload();
    await contact.locator('.decision-approved', { hasText: '申诉已采纳' }).waitFor();
    // a unit that never acted is at the floor (0), but the lifted deduction counts in its total
    expect(await raw()).toBeGreaterThan(before);
    expect(errors).toEqual([]);
  });

  it('a 通报批评 with a 整改 deadline: the unit is told, and owes a 整改报告 in 我的任务', async () => {
    const office = await signIn('周晓梅', '周晓梅', true);
    await office.locator('.todo-list .adm-list-item', { hasText: '通报与整改' }).click();
    await office.locator('.ack-all button', { hasText: '发布通报' }).click();
    await office.locator('.issue .adm-selector-item', { hasText: '通报批评' }).click();
    await office.locator('.issue select').selectOption({
      label: (await office.locator('.issue select option', { hasText: '重点任务1 ' }).first().innerText()).trim(),
    });
    await office.locator('.issue .adm-search-bar input').fill('府山');
    await office.locator('.issue .adm-check-list-item', { hasText: '府山街道' }).click();
    await office.locator(`.issue ${TEXT}`).fill('2019年重点任务1全年未报送进展');
    await office.screenshot({ path: `${ARTIFACTS}/bulletin-issue.png` });
    await office.locator('.issue button', { hasText: '发布' }).click();
    await toast(office, '已发布通报批评');
    await office.locator('.bulletin', { hasText: '已整改 0 / 1' }).waitFor();

    const b = Object.values(live.t.store.state.get().bulletins ?? {})[0]!;
    expect(b).toMatchObject({ kind: 'criticism', unitIds: ['fsjd'], taskId: 'yc-lqstg-2018.k1' });
    expect(live.t.store.state.get().outbox.some((r) => r.key === `bulletin:${b.id}:p-fsjd-c`)).toBe(true);
    const contact = await signIn('府山街道', '石刚');
    await contact.locator('.adm-list-item', { hasText: '整改报告' }).first().waitFor();
  });
});
