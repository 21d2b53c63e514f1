import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, launchChromium, toast } from '../helpers/browser.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';
import { ROOT } from '../helpers/seeds.js';

const NOTICE = readFileSync(`${ROOT}tests/fixtures/holidays/notice-2027-hypothetical.txt`, 'utf8');

// 2026-12-07: 2027 has no 放假安排 yet (the banner), and the seeded 2018–2022 plan has ended
describe('who lands where, and what they may do; the calendar banner (#31 req 6, 7)', { shuffle: false }, () => {
  let live: LiveApp;
  let browser: Browser;
  beforeAll(async () => {
    live = await startLiveApp('2026-12-07T10:00:00+08:00');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });
  const signIn = (search: string, name: string, wide = false): Promise<Page> =>
    devSignIn(browser, live.url, search, name, wide);
  const todo = (page: Page) => page.locator('.todo-list .adm-list-item').allInnerTexts();
  const banner = (page: Page) => page.locator('.health-banner', { hasText: '2027 年' });

  it('a contact lands on 我的任务 and is told reminders would stop in 2027', async () => {
    const page = await signIn('府山街道', '石刚');
    await banner(page).waitFor();
    expect(await page.locator('.office-grid').count()).toBe(0);
    expect(await page.locator('.health-banner a', { hasText: '去补充' }).count()).toBe(0);
    // what only the 督考办 can fix is not a contact's banner; no promise of reminders that cannot come
    expect(await page.locator('.health-banner', { hasText: '待明确' }).count()).toBe(0);
    await page.locator('.adm-error-block, .blank', { hasText: '没有待办事项' }).first().waitFor();
    expect(await page.locator('body').innerText()).not.toContain('有新任务时会在钉钉提醒您');
    await page.screenshot({ path: `${ARTIFACTS}/roles-contact.png`, fullPage: true });
  });

  it('a unit leader lands on 我的任务 of their unit', async () => {
    const page = await signIn('区编办', '杨思远');
    expect(await page.locator('.office-grid').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/roles-leader.png`, fullPage: true });
  });

  it('the 区长 lands on the 督办总览 (the plan’s final results, 已结束), his unit’s items one tap away, nothing to manage', async () => {
    const page = await signIn('区长', '钱建国', true);
    await page.locator('.count.red').waitFor();
    await page.locator('.ended-bar', { hasText: '2022年12月31日结束' }).waitFor();
    const items = await todo(page);
    expect(items.some((i) => i.startsWith('本单位事项'))).toBe(true);
    expect(items.some((i) => i.includes('导入计划') || i.includes('工作日历'))).toBe(false);
    expect(items.find((i) => i.startsWith('考评'))).toContain('只读');
    await page.screenshot({ path: `${ARTIFACTS}/roles-district-leader.png`, fullPage: true });
    await page.locator('.todo-list .adm-list-item', { hasText: '本单位事项' }).click();
    await page.waitForURL(/#\/mine$/);
  });

  it('the evaluator lands on the overview with read-only words and no actions', async () => {
    const page = await signIn('葛思源', '葛思源', true);
    await page.locator('.count.red').waitFor();
    const items = await todo(page);
    for (const name of ['考评', '通报与整改', '督查']) expect(items.find((i) => i.startsWith(name))).toContain('只读');
    expect(items.join()).not.toMatch(/发起|定稿|工作日历|导入计划/);
    await page.screenshot({ path: `${ARTIFACTS}/roles-evaluator.png`, fullPage: true });
  });

  it('the 督考办 follows the banner, pastes the 2027 notice, checks the calendar and saves it: the banner is gone', async () => {
    const page = await signIn('周晓梅', '周晓梅', true);
    await banner(page).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/roles-office-banner.png` });
    await page.locator('.health-banner a', { hasText: '去补充' }).first().click();
    await page
      .locator('.calendar-page .adm-list-item', { hasText: '2027 年' })
      .locator('.adm-tag', { hasText: '缺少' })
      .waitFor();
    await page.locator('.calendar-page textarea').fill(NOTICE);
    await page.locator('.calendar-page button', { hasText: '识别' }).click();
    await page.locator('.festival', { hasText: '春节' }).waitFor();
    expect(await page.locator('.cal-month').count()).toBe(12);
    // 1月31日 is a 调休 Sunday, 2月8日 a 春节 Monday
    const jan = page.locator('.cal-month').nth(0);
    expect(await jan.locator('.cal-work').innerText()).toContain('31');
    expect(await page.locator('.cal-month').nth(1).locator('.cal-off').count()).toBe(9);
    await page.screenshot({ path: `${ARTIFACTS}/calendar-2027-check.png`, fullPage: true });
    await page.locator('.calendar-page button', { hasText: '保存' }).click();
    await page
      .locator('.adm-dialog-button')
      .filter({ hasText: /^保存$/ })
      .click();
    await toast(page, '已保存 2027 年放假安排');
    expect(live.t.store.state.get().calendarYears?.map((y) => y.year)).toEqual([2027]);
    await page.reload();
    await page
      .locator('.calendar-page .adm-list-item', { hasText: '2027 年' })
      .locator('.adm-tag', { hasText: '已补充' })
      .waitFor();
    expect(await banner(page).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/calendar-2027-saved.png`, fullPage: true });
  });
});
