import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { photo, startLiveApp, type LiveApp } from '../helpers/live-app.js';
import type { TestApp } from '../helpers/test-app.js';
import { findObligation } from '../../server/src/domain/obligations/obligation-table.js';

const TEXT = 'textarea:not([aria-hidden])';

describe('the mini-app on a phone, opened from a notice in the emulator console', () => {
  let live: LiveApp;
  let t: TestApp;
  let emu: RunningEmulator;
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    live = await startLiveApp('2018-11-07T09:00:00+08:00'); // the 签收 deadline is the next working day
    ({ t, emu, url } = live);
    await live.sendReminders();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('我的任务 → 任务详情 → 签收 (with undo) → 填报进展 with a photo → the timeline shows it; another unit stays closed', async () => {
    const context = await browser.newContext(PHONE);
    const console = await context.newPage();
    await console.goto(`${emu.url}/?userid=dt-fsjd-c`);
    const card = console.locator('.card', { hasText: '督办提醒 · 11月7日' });
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    const [app] = await Promise.all([context.waitForEvent('page'), card.locator('[data-link]').first().click()]);
    const errors: string[] = [];
    app.on('pageerror', (e) => errors.push(e.message));

    // 我的任务: signed in by the emulator's auth code, lights and counts
    await app.locator('.summary .who', { hasText: '石刚' }).waitFor({ timeout: 20_000 });
    expect(new URL(app.url()).search).toBe(''); // the auth code is not left in the address bar
    await app.locator('.group-yellow').first().waitFor();
    expect(await app.locator('.group-yellow .adm-list-header').innerText()).toMatch(/^即将到期.\d+.$/);
    expect(await app.locator('.count.yellow b').innerText()).not.toBe('0');
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-my-tasks.png` });

    // 任务详情 of key task 1 (府山街道 is named through 各镇人民政府、街道办事处)
    await app.locator('.adm-list-item', { hasText: '重点任务1 · ' }).first().locator('.item-title').click();
    await app.locator('.task-title').waitFor();
    expect(await app.locator('.card.mine').innerText()).toContain('府山街道');
    expect(await app.locator('.card.mine').innerText()).toContain('未签收');
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-task.png`, fullPage: true });

    // 签收 in one tap; undo; 签收 again
    await app.locator('.card.mine button', { hasText: '签收' }).click();
    await app.locator('.undo-bar').waitFor();
    expect(await app.locator('.card.mine').innerText()).toContain('已签收');
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-acknowledged.png` });
    await app.locator('.undo-bar button').click();
    await expect.poll(() => app.locator('.card.mine').innerText()).toContain('未签收');
    await app.locator('.card.mine button', { hasText: '签收' }).click();
    await expect.poll(() => app.locator('.card.mine').innerText()).toContain('已签收');
    const ackKey = 'yc-lqstg-2018.k1.fsjd:2018:acknowledge';
    expect(findObligation(t.store.state.get(), ackKey)).toMatchObject({ action: 'acknowledge', by: 'p-fsjd-c' });

    // 填报进展 with a photo
    await app.locator('.card.mine button', { hasText: '填报进展' }).click();
    await app.locator(TEXT).fill('已完成试点申报,材料已报区发改局。');
    await app
      .locator('[data-testid="image-input"]')
      .setInputFiles({ name: '试点现场.png', mimeType: 'image/png', buffer: await photo(browser, '试点现场') });
    await app.locator('.file-done').waitFor();
    expect(await app.locator('.file-done').innerText()).toContain('已上传');
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-report.png`, fullPage: true });
    await app.locator('.submit-bar button').click();

    // back on the task: the timeline shows the report, its text and the photo (loaded through its signed link)
    const report = app.locator('.tl-progress-reported').first();
    await report.waitFor({ timeout: 10_000 });
    expect(await report.innerText()).toContain('已完成试点申报');
    expect(await report.innerText()).toContain('府山街道');
    const img = report.locator('.thumbs img');
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    // toasts can overlap (已撤销签收 fading while 进展已报送 shows): wait until none is left, however many
    await expect.poll(() => app.locator('.adm-toast-mask').count(), { timeout: 10_000 }).toBe(0);
    await report.scrollIntoViewIfNeeded();
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-timeline.png` });
    expect(t.store.ledger.last()).toMatchObject({ channel: 'miniapp', actor: { id: 'p-fsjd-c' } });

    // another unit's assignment: not even visible, let alone actionable
    const other = t.store.state
      .get()
      .tasks.find(
        (x) =>
          x.kind === 'key' && !t.store.state.get().assignments.some((a) => a.taskId === x.id && a.unitId === 'fsjd'),
      )!;
    await app.goto(`${url}/app/#/tasks/${other.id}`);
    await app.locator('.blank-title', { hasText: '无权查看' }).waitFor();
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-forbidden.png` });
    await app.goto(`${url}/app/#/tasks/yc-lqstg-2018.k1/act/yc-lqstg-2018.k1.bhjd?mode=report`);
    await app.locator('.blank-title', { hasText: '无法办理' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a plain browser in local mode offers the dev sign-in; a failed upload is retried; the draft survives a reload', async () => {
    const context = await browser.newContext(PHONE);
    const app = await context.newPage();
    await app.goto(`${url}/app/#/my`);
    await app.locator('.adm-search-bar input').fill('北海街道');
    await app.locator('.adm-list-item', { hasText: '韦军' }).locator('button').click();
    await app.locator('.summary .who', { hasText: '韦军' }).waitFor();
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-dev-sign-in.png` });
    await app.goto(`${url}/app/#/tasks/yc-lqstg-2018.k1/act/yc-lqstg-2018.k1.bhjd?mode=report`);
    await app.locator(TEXT).fill('草稿:正在整理材料');
    // the network drops the first upload: the file is marked failed with a retry button
    let dropped = 0;
    await app.route('**/api/evidence', (route) =>
      dropped++ === 0 ? route.abort('connectionreset') : route.continue(),
    );
    await app.locator('[data-testid="file-input"]').setInputFiles({
      name: '会议纪要.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await app.locator('.file-failed').waitFor();
    expect(await app.locator('.file-failed').innerText()).toContain('网络中断,上传失败,请重试');
    await app.screenshot({ path: `${ARTIFACTS}/miniapp-upload-failed.png` });
    await app.locator('.file-failed button', { hasText: '重试' }).click();
    await app.locator('.file-done', { hasText: '会议纪要.pdf' }).waitFor();
    expect(dropped).toBe(2);
    // typed text and the uploaded file are kept on the device until submitted
    await app.reload();
    await expect.poll(() => app.locator(TEXT).inputValue()).toBe('草稿:正在整理材料');
    expect(await app.locator('.file-done').innerText()).toContain('会议纪要.pdf');
    // each tab keeps its own text: the progress draft is not the extension's reason
    await app.locator('.adm-tabs-tab', { hasText: '申请延期' }).click();
    await expect.poll(() => app.locator(TEXT).inputValue()).toBe('');
    await app.locator(TEXT).fill('等待上级批复');
    await app.locator('.adm-tabs-tab', { hasText: '报送进展' }).click();
    await expect.poll(() => app.locator(TEXT).inputValue()).toBe('草稿:正在整理材料');
    await context.close();
  });
});
