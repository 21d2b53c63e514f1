import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, launchChromium, toast } from '../helpers/browser.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';
import { ROOT } from '../helpers/seeds.js';

const CORPUS = `${ROOT}tests/fixtures/importer/corpus`;
type Inbox = { items: Array<{ kind: string; msg: { action_card?: { markdown: string } } }> };

describe('the 督考办 imports plan documents in the mini-app (#18)', () => {
  let live: LiveApp;
  let browser: Browser;
  /** The 督考办 pastes rows copied from Excel into the import page and has them read. */
  const pasteRows = async (lines: string[]) => {
    const page = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    await page.goto(`${live.url}/app/#/import`);
    await page.locator('.paste-link').click();
    await page.locator('.paste-area textarea').fill(lines.join('\n'));
    await page.locator('.decide-sheet button', { hasText: '识别' }).click();
    return page;
  };
  beforeAll(async () => {
    live = await startLiveApp('2024-03-04T10:00:00+08:00');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('uploads a PDF table and a Word document with two-role brackets, fixes a role, applies; the next day reminds the right units', async () => {
    const page = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.locator('.todo-list .adm-list-item', { hasText: '导入计划' }).click();
    await page.locator('.import-upload').waitFor();

    // a PDF table: six tasks, a group with its members, applied as read
    await page.locator('.import-upload input[type=file]').setInputFiles(`${CORPUS}/09-pdf-table.pdf`);
    await page.locator('.import-task').nth(5).waitFor();
    expect(await page.locator('.import-task').count()).toBe(6);
    expect(await page.locator('.import-task').nth(5).innerText()).toContain('各镇人民政府、街道办事处');
    await page.screenshot({ path: `${ARTIFACTS}/import-pdf.png`, fullPage: true });
    await page.locator('.import-apply button', { hasText: '导入 6 项任务' }).click();
    await page.locator('.adm-dialog button', { hasText: '导入' }).click();
    await toast(page, '已导入');
    expect(await page.locator('.import-done').innerText()).toContain('6 项任务');

    // a Word document: 区电子政务办 is read as a lead of task 3; the 督考办 makes it a co-unit
    await page.locator('.import-upload input[type=file]').setInputFiles(`${CORPUS}/11-numbered-two-roles.docx`);
    const third = page.locator('.import-task', { hasText: '加强数字基础设施建设' });
    await third.waitFor();
    expect(await page.locator('.import-task').first().innerText()).toMatch(/牵头\s*区经信局/);
    await third.locator('.unit-chip', { hasText: '区电子政务办' }).locator('.role').click();
    expect(await third.locator('.unit-chip', { hasText: '区电子政务办' }).locator('.role').innerText()).toBe('配合');
    await page.screenshot({ path: `${ARTIFACTS}/import-docx-corrected.png`, fullPage: true });
    await page.locator('.import-apply button', { hasText: '1 处更正' }).click();
    await page.locator('.adm-dialog button', { hasText: '导入' }).click();
    await toast(page, '已导入');
    expect(await page.locator('.import-done').innerText()).toContain('1 处更正');
    expect(errors).toEqual([]);

    const s = live.t.store.state.get();
    const task3 = s.tasks.find((t) => t.title === '加强数字基础设施建设')!;
    expect(s.assignments.filter((a) => a.taskId === task3.id).map((a) => `${a.role}:${a.unitId}`)).toEqual([
      'lead:zjzj',
      'co:dzzwb',
    ]);

    // the next working day: the units of both documents are asked to sign for their new tasks, and nobody else
    live.t.deps.clock.set('2024-03-05T09:00:00+08:00');
    await live.emu.admin('POST', '/clock', { at: live.t.deps.clock.now().toISOString() });
    await live.sendReminders();
    const digest = async (userid: string) =>
      (await live.emu.admin<Inbox>('GET', `/messages?userid=${userid}`)).items
        .filter((i) => i.kind === 'notice')
        .map((i) => i.msg.action_card?.markdown ?? '')
        .join('\n');
    expect(await digest('dt-dzzwb-c')).toContain('加强数字基础设施建设');
    expect(await digest('dt-zjzj-c')).toContain('加强数字基础设施建设');
    expect(await digest('dt-jxj-c')).toContain('培育数字经济核心产业');
    expect(await digest('dt-fsjd-c')).toContain('提升农贸市场改造水平');
    expect(await digest('dt-fzb-c')).toBe('');
    const text = await digest('dt-dzzwb-c');
    expect(text).not.toContain('逾期');
  });

  it('a table one cell per paragraph, its deadlines under 备注: the 督考办 remaps that column; dates and milestones on the preview; the units owe the dated items', async () => {
    // imported in the afternoon, after the day's digests went out: the units hear of it the next working day
    live.t.deps.clock.set('2024-03-05T14:00:00+08:00');
    await live.emu.admin('POST', '/clock', { at: live.t.deps.clock.now().toISOString() });
    const page = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${live.url}/app/#/import`);
    await page.locator('.import-upload').waitFor();
    await page
      .locator('.import-upload input[type=file]')
      .setInputFiles(`${ROOT}tests/fixtures/importer/pages/paragraph-cells-remap.txt`);
    await page.locator('.import-task').nth(1).waitFor();
    // the deadlines sit under 备注: read as notes, the tasks have none
    expect(await page.locator('.import-task').first().innerText()).not.toContain('截止');
    await page.locator('.column-link').click();
    await page.locator('.column-step select').nth(4).selectOption('time');
    await page.screenshot({ path: `${ARTIFACTS}/import-column-step.png`, fullPage: true });
    await page.locator('.column-step button', { hasText: '按此重新识别' }).click();
    await toast(page, '按指定的列重新识别:2 项任务');
    const second = page.locator('.import-task').nth(1);
    expect(await page.locator('.import-task').first().innerText()).toContain('2024-04-30 截止');
    expect(await second.innerText()).toContain('2024-11-30 截止');
    expect(await second.innerText()).toContain('节点:2024-06-30 6月底前完成方案');
    expect(await second.innerText()).toMatch(/牵头\s*区住建局/);
    await page.screenshot({ path: `${ARTIFACTS}/import-column-step-read.png`, fullPage: true });
    await page.locator('.import-apply button', { hasText: '导入 2 项任务' }).click();
    await page.locator('.adm-dialog button', { hasText: '导入' }).click();
    await toast(page, '已导入');
    expect(errors).toEqual([]);

    const s = live.t.store.state.get();
    const task = s.tasks.find((t) => t.title === '完成老旧小区改造10个')!;
    expect(task.schedule).toMatchObject({ due: '2024-11-30', milestones: [{ due: '2024-06-30' }] });
    expect(s.assignments.filter((a) => a.taskId === task.id).map((a) => `${a.role}:${a.unitId}`)).toEqual([
      'lead:zjzj',
      'co:gtfj',
    ]);
    // the unit's 我的任务 lists the dated items with their dates
    const unit = await devSignIn(browser, live.url, '叶涛', '叶涛');
    await unit.goto(`${live.url}/app/#/tasks/${encodeURIComponent(task.id)}`);
    const body = unit.locator('.page');
    await body.getByText('节点(6月底前完成方案)').first().waitFor({ timeout: 15_000 });
    expect(await body.innerText()).toContain('完成时限(6月底前完成方案,11月底前完工)');
    // the unit's first digest, the next working day, gives the task's 完成时限 and milestone with its 签收
    live.t.deps.clock.set('2024-03-06T09:00:00+08:00');
    await live.emu.admin('POST', '/clock', { at: live.t.deps.clock.now().toISOString() });
    await live.sendReminders();
    const digest = (await live.emu.admin<Inbox>('GET', '/messages?userid=dt-zjzj-c')).items
      .filter((i) => i.kind === 'notice')
      .map((i) => i.msg.action_card?.markdown ?? '')
      .join('\n');
    expect(digest).toContain('完成老旧小区改造10个 — 签收,3月13日截止,还有 5 个工作日;完成时限 11月30日(节点 6月30日)');
  });

  it('rows copied from Excel are pasted and read like a table (#36: paste rows)', async () => {
    const page = await pasteRows([
      '越城区2024年数字化改革重点任务清单',
      '序号\t重点任务\t牵头单位\t配合单位\t完成时限',
      '1\t推进政务服务一网通办\t区府办\t区发改局\t2024年6月底前',
      '2\t建设基层治理数字平台\t区司法局\t府山街道、北海街道\t2024年底前',
    ]);
    await page.locator('.import-task').nth(1).waitFor();
    expect(await page.locator('.import-task').count()).toBe(2);
    const second = await page.locator('.import-task').nth(1).innerText();
    expect(second).toContain('建设基层治理数字平台');
    expect(second).toContain('2024-12-31 截止');
    expect(second).toMatch(/牵头\s*区司法局/);
    // the other convention, for every task at once: all the units lead
    await page.locator('.bulk-roles button', { hasText: '均为责任单位' }).click();
    expect(await page.locator('.import-task').nth(1).locator('.unit-chip.role-co').count()).toBe(0);
    expect(await page.locator('.import-task').nth(1).locator('.unit-chip.role-lead').count()).toBe(3);
    await page.locator('.bulk-roles button', { hasText: '首个单位牵头' }).click();
    expect(await page.locator('.import-task').nth(1).locator('.unit-chip.role-co').count()).toBe(2);
    await page.locator('.bulk-roles button', { hasText: '均为责任单位' }).click();
    await page.screenshot({ path: `${ARTIFACTS}/import-pasted.png`, fullPage: true });
    // applied: the roles as switched
    await page.locator('.import-apply button', { hasText: '处更正' }).click();
    await page.locator('.adm-dialog button', { hasText: '导入' }).click();
    await toast(page, '已导入');
    const s = live.t.store.state.get();
    const task = s.tasks.find((t) => t.title === '建设基层治理数字平台')!;
    expect(s.assignments.filter((a) => a.taskId === task.id).map((a) => a.role)).toEqual(['lead', 'lead', 'lead']);
  });

  it('a row that continues the task above is merged into it on the preview (#36: merge with the one above)', async () => {
    const page = await pasteRows([
      '越城区2025年重点任务清单',
      '序号\t重点任务\t牵头单位\t配合单位\t完成时限',
      '1\t推进政务服务\t区府办\t区发改局\t2025年6月底前',
      '2\t一网通办全覆盖\t\t区司法局\t',
      '3\t建设基层治理数字平台\t区司法局\t府山街道\t2025年底前',
    ]);
    await page.locator('.import-task').nth(2).waitFor();
    await page.locator('.import-task').nth(1).locator('.merge-up').click();
    await page.locator('.import-apply button', { hasText: '处更正' }).click();
    await page.locator('.adm-dialog button', { hasText: '导入' }).click();
    await toast(page, '已导入');
    const s = live.t.store.state.get();
    const merged = s.tasks.find((t) => t.title === '推进政务服务一网通办全覆盖');
    expect(merged).toBeDefined();
    expect(s.tasks.some((t) => t.title === '一网通办全覆盖')).toBe(false);
    expect(
      s.assignments
        .filter((a) => a.taskId === merged!.id)
        .map((a) => a.unitId)
        .sort(),
    ).toEqual(['fgj', 'qfb', 'sfj']);
  });

  it('two tasks read as one are split on the preview (#36: a new task starts at this line)', async () => {
    const page = await pasteRows([
      '越城区2026年重点任务清单',
      '序号\t重点任务\t牵头单位\t配合单位\t完成时限',
      '1\t深化“最多跑一次”改革。开展营商环境第三方评价\t区府办\t区发改局\t2026年6月底前',
      '2\t建设数字档案馆\t区档案馆\t\t2026年底前',
    ]);
    const first = page.locator('.import-task').first();
    await first.waitFor();
    await first.locator('.split-open').click();
    await first.locator('.split-at', { hasText: '开展营商环境第三方评价' }).click();
    // the new task's own units: the 区发改局 leads it alone, due at the year's end
    await first.locator('.import-split .unit-chip', { hasText: '区府办' }).locator('.remove').click();
    await first.locator('.import-split .unit-chip', { hasText: '区发改局' }).locator('.role').click();
    await first.locator('.import-split input').fill('2026年底前');
    await page.screenshot({ path: `${ARTIFACTS}/import-split.png`, fullPage: true });
    await page.locator('.import-apply button', { hasText: '处更正' }).click();
    await page.locator('.adm-dialog', { hasText: '3 项任务' }).locator('button', { hasText: '导入' }).click();
    await toast(page, '已导入');
    const s = live.t.store.state.get();
    const kept = s.tasks.find((t) => t.title === '深化“最多跑一次”改革。')!;
    const added = s.tasks.find((t) => t.title === '开展营商环境第三方评价')!;
    expect(kept.schedule.due).toBe('2026-06-30');
    expect(added).toMatchObject({ number: 3, label: '3', planId: kept.planId });
    expect(added.schedule.due).toBe('2026-12-31');
    const roles = (id: string) =>
      s.assignments
        .filter((a) => a.taskId === id)
        .map((a) => `${a.role}:${a.unitId}`)
        .sort();
    expect(roles(kept.id)).toEqual(['co:fgj', 'lead:qfb']);
    expect(roles(added.id)).toEqual(['lead:fgj']);
  });
});
