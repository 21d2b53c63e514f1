import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { ARTIFACTS, devSignIn, launchChromium, toast } from '../helpers/browser.js';
import { calendar, policy } from '../helpers/reminders.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';
import { findObligation } from '../../server/src/domain/obligations/obligation-table.js';

const TASK = 'yc-lqstg-2018.k1';
const FS = `${TASK}.fsjd`;
const MID = `${FS}:2019:midYear`;
const TEXT = 'textarea:not([aria-hidden])';

// the steps of one story (a part closed in one step is not asked for in a later round): in order
describe('the 督考办 workbench in a browser (#11)', { shuffle: false }, () => {
  let live: LiveApp;
  let browser: Browser;
  beforeAll(async () => {
    live = await startLiveApp('2019-06-20T10:00:00+08:00'); // 年中督查报告 (due 6月25日) has opened
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const signIn = (search: string, name: string, wide = false): Promise<Page> =>
    devSignIn(browser, live.url, search, name, wide);
  /** Opens a page of the app afresh (the same hash would not reload it). */
  const visit = async (page: Page, hash: string) => {
    await page.goto(`${live.url}/app/${hash}`);
    await page.reload();
  };

  it('returns a report with a comment; the contact sees it, refiles, and the refiled report is approved', async () => {
    const contact = await signIn('府山街道', '石刚');
    const errors: string[] = [];
    contact.on('pageerror', (e) => errors.push(e.message));
    // the contact files the 年中督查报告 in the mini-app
    await contact.goto(`${live.url}/app/#/tasks/${TASK}/act/${FS}?mode=report`);
    await contact.locator('.adm-selector-item', { hasText: '年中督查报告' }).click();
    await contact.locator(TEXT).fill('上半年已完成试点申报');
    await contact.locator('.submit-bar button').click();
    await toast(contact, '已报送');

    // the 督考办 opens on the overview (not a contact's 我的任务), with one review waiting
    const office = await signIn('周晓梅', '周晓梅', true);
    office.on('pageerror', (e) => errors.push(e.message));
    await office
      .locator('.todo-list .adm-list-item', { hasText: '待审核' })
      .locator('.badge', { hasText: '1' })
      .waitFor();
    expect(await office.locator('.count.red b').innerText()).toMatch(/^\d+$/);
    await office.locator('.row-link').first().waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/workbench-office-home.png`, fullPage: true });
    await office.screenshot({ path: `${ARTIFACTS}/guide-office.png` }); // for docs/督考办使用指南.md

    await office.locator('.todo-list .adm-list-item', { hasText: '待审核' }).click();
    const card = office.locator('.review', { hasText: '府山街道' });
    await card.waitFor();
    expect(await card.innerText()).toContain('年中督查报告');
    expect(await card.innerText()).toContain('上半年已完成试点申报');
    await office.screenshot({ path: `${ARTIFACTS}/workbench-review-queue.png`, fullPage: true });
    await card.locator('button', { hasText: '退回' }).click();
    // no reason, no return
    await office.locator('.decide-sheet button', { hasText: '确定退回' }).click();
    await toast(office, '请写明');
    expect(findObligation(live.t.store.state.get(), MID)!.status).toBe('fulfilled');
    await office.locator(`.decide-sheet ${TEXT}`).fill('请补充试点申报的批复文件');
    await office.screenshot({ path: `${ARTIFACTS}/guide-return.png` });
    await office.locator('.decide-sheet button', { hasText: '确定退回' }).click();
    await toast(office, '府山街道:退回,请按意见修改');
    expect(findObligation(live.t.store.state.get(), MID)!.status).toBe('open');

    // the contact sees the comment on the task, and refiles
    await visit(contact, `#/tasks/${TASK}`);
    const decision = contact.locator('.decision-returned');
    await decision.waitFor();
    expect(await decision.innerText()).toContain('请补充试点申报的批复文件');
    await contact.screenshot({ path: `${ARTIFACTS}/workbench-contact-returned.png`, fullPage: true });
    await visit(contact, `#/tasks/${TASK}/act/${FS}?mode=report`);
    await contact.locator('.adm-selector-item', { hasText: '年中督查报告' }).click();
    await contact.locator(TEXT).fill('已补充批复文件');
    await contact.locator('.submit-bar button').click();
    await toast(contact, '已报送');

    await visit(office, '#/reviews');
    const again = office.locator('.review', { hasText: '已补充批复文件' });
    await again.locator('button', { hasText: '通过' }).click();
    await office.locator('.decide-sheet button', { hasText: '确定通过' }).click();
    await toast(office, '审核通过');
    expect(findObligation(live.t.store.state.get(), MID)!.status).toBe('fulfilled');
    expect(
      Object.values(live.t.store.state.get().requests)
        .filter((r) => r.kind === 'report')
        .map((r) => r.state),
    ).toEqual(['returned', 'approved']);
    expect(errors).toEqual([]);
  });

  it('an approved 延期 moves the due date in 我的任务; a 办结 approved shows 已办结 and nothing more is reminded', async () => {
    const other = `${TASK}.bhjd`;
    const item = `${other}:2019:midYear`;
    const ask = await live.t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${other}/extension-requests`,
        payload: { obligationId: item, until: '2019-07-10', reason: '等待上级批复' },
      },
      'p-bhjd-c',
    );
    expect(ask.statusCode).toBe(200);
    const office = await signIn('周晓梅', '周晓梅', true);
    await office.goto(`${live.url}/app/#/reviews`);
    await office.locator('.review', { hasText: '北海街道' }).locator('button', { hasText: '同意延期' }).click();
    await office.locator('.decide-sheet button', { hasText: '确定同意延期' }).click();
    await toast(office, '截止日期改为 7月10日');

    const contact = await signIn('北海街道', '韦军');
    const row = contact.locator('.adm-list-item', { hasText: '重点任务1 · 年中督查报告' });
    await row.waitFor();
    expect(await row.innerText()).toContain('7月10日');

    // 办结 for 府山街道
    const close = await live.t.inject(
      { method: 'POST', url: `/api/assignments/${FS}/closure-requests`, payload: { text: '试点已全部完成' } },
      'p-fsjd-c',
    );
    expect(close.statusCode).toBe(200);
    await office.reload();
    await office.locator('.review', { hasText: '办结申请' }).locator('button', { hasText: '同意办结' }).click();
    await office.locator('.decide-sheet button', { hasText: '确定同意办结' }).click();
    await toast(office, '已办结');
    const plan = planReminders(live.t.store.state.get(), calendar, policy, new Date('2019-12-20T09:00:00+08:00'));
    expect(
      plan.reminders.flatMap((r) => [...r.items, ...(r.also ?? [])]).filter((i) => i.obligationId.startsWith(`${FS}:`)),
    ).toEqual([]);
    const fs = await signIn('府山街道', '石刚');
    await fs.goto(`${live.url}/app/#/tasks/${TASK}`);
    await fs.locator('.closed', { hasText: '不再提醒' }).waitFor();
    expect(await fs.locator('button', { hasText: '填报进展' }).count()).toBe(0);
  });

  it("names the units behind task 19's 待明确 placeholder; they are reminded the next working day", async () => {
    const s = live.t.store.state.get();
    const task19 = s.tasks.find((t) => t.kind === 'key' && t.number === 19)!;
    const office = await signIn('周晓梅', '周晓梅', true);
    await office.goto(`${live.url}/app/#/tasks/${encodeURIComponent(task19.id)}`);
    await office.locator('.placeholder', { hasText: '待明确' }).waitFor();
    // the placeholder is not shown as a unit tag
    expect(await office.locator('.meta.units .adm-tag', { hasText: '区级有关' }).count()).toBe(0);
    const card = office.locator('.units-card');
    await card.waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/workbench-task-units.png`, fullPage: true });
    await card.locator('button', { hasText: '明确责任单位' }).click();
    await office.locator('.designate .adm-search-bar input').fill('司法局');
    await office.locator('.designate .adm-check-list-item', { hasText: '区司法局' }).click();
    await office.screenshot({ path: `${ARTIFACTS}/guide-designate.png` });
    await office.locator('.designate button', { hasText: '确定(1 个单位)' }).click();
    await toast(office, '已明确 1 个责任单位');
    await card.locator('.unit-row', { hasText: '区司法局' }).waitFor();
    // a hand-made item for the task's units, from the same card
    await card.locator('.manual-items a', { hasText: '添加事项' }).click();
    await office.locator('.add-manual input:not([type=date])').fill('执法人员行为规范自查报告');
    await office.locator('.add-manual button', { hasText: '添加' }).click();
    await toast(office, '已添加');
    await card.locator('.manual-item', { hasText: '执法人员行为规范自查报告' }).waitFor();
    expect(
      live.t.store.state
        .get()
        .manualObligations.filter((m) => m.taskId === task19.id)
        .map((m) => m.label),
    ).toEqual(['执法人员行为规范自查报告']);

    // the next working day's digest to 区司法局's contact is triggered by task 19's 签收 (its first reminder)
    live.t.deps.clock.set('2019-06-21T09:00:00+08:00');
    await live.emu.admin('POST', '/clock', { at: live.t.deps.clock.now().toISOString() });
    await live.sendReminders();
    const ack = `${task19.id}.sfj:2019:acknowledge`;
    const notice = live.t.store.state
      .get()
      .outbox.find((r) => r.kind === 'notice' && r.personId === 'p-sfj-c' && r.date === '2019-06-21');
    expect(notice?.status).toBe('sent');
    expect(notice?.kind === 'notice' && notice.payload.obligations).toContain(ack);
    const sent = (
      await live.emu.admin<{ items: Array<{ msg: unknown }> }>('GET', '/messages?userid=dt-sfj-c')
    ).items.map((i) => JSON.stringify(i.msg));
    expect(sent.some((m) => m.includes('6月21日'))).toBe(true);
  });

  it('opens a 督查 round on a task, sees who has to submit, and 催办 one unit, who is notified at once', async () => {
    const office = await signIn('周晓梅', '周晓梅', true);
    await office.locator('.todo-list .adm-list-item', { hasText: '督查' }).first().click();
    await office.locator('.ack-all button', { hasText: '发起督查' }).click();
    await office.locator('.open-round .adm-check-list-item').first().waitFor();
    await office.locator('.open-round a', { hasText: '清空' }).click();
    await office.locator('.open-round .adm-search-bar input').fill('1');
    await office.locator('.open-round .adm-check-list-item', { hasText: '重点任务1 ' }).click();
    await office.locator('.open-round button', { hasText: '发起督查' }).click();
    // the confirm step says what the round is: the units' own 年中督查报告, no new item
    await office.locator('.adm-dialog-content', { hasText: '不新增事项' }).waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/workbench-round-confirm.png` });
    await office
      .locator('.adm-dialog-button')
      .filter({ hasText: /^发起$/ })
      .click();
    await toast(office, '已发起');
    const pending = office.locator('.group', { hasText: '未到期' });
    await pending.waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/workbench-round.png`, fullPage: true });
    await office.locator('.adm-toast-main').waitFor({ state: 'detached' });
    await office.screenshot({ path: `${ARTIFACTS}/guide-round.png` });
    const round = Object.values(live.t.store.state.get().rounds ?? {})[0]!;
    expect(round).toMatchObject({ name: '2019年年中督查', taskIds: [TASK], status: 'open' });
    // 府山街道's part was closed (办结) above: nothing more is asked of it
    expect(await pending.locator('.adm-list-item', { hasText: '府山街道' }).count()).toBe(0);

    await pending.locator('.adm-list-item', { hasText: '北海街道' }).locator('button', { hasText: '催办' }).click();
    await office.screenshot({ path: `${ARTIFACTS}/guide-urge.png` });
    await office.locator('.urge button', { hasText: '立即催办' }).click();
    await toast(office, '已催办 北海街道');
    // the drill-down behind a count on the overview
    await visit(office, '#/office');
    await office.locator('.count.red').click();
    await office.locator('.parts .adm-list-item').first().waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/guide-parts.png` });
    await live.sendReminders(); // the dispatcher's next run
    const sent = (
      await live.emu.admin<{ items: Array<{ msg: unknown }> }>('GET', '/messages?userid=dt-bhjd-c')
    ).items.map((i) => JSON.stringify(i.msg));
    expect(sent.some((m) => m.includes('督考办催办') && m.includes('2019年年中督查'))).toBe(true);
  });
});
