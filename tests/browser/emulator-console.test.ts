import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import { channelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';

describe('the emulator console in a phone-sized Chromium', () => {
  let emu: RunningEmulator;
  let browser: Browser;
  beforeAll(async () => {
    emu = await startEmulator();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });

  it('shows an official the notice the server sent, marks it read when opened, and opens its link as that official', async () => {
    const channel = channelFor(emu);
    const sent = await channel.sendNotice(['dt-qfb-c'], {
      kind: 'actionCard',
      title: '督办提醒 3月4日',
      markdown:
        '### 您有 2 项待办\n- **签收** 重点任务 4:深入开展大调研活动\n- **进展** 重点任务 5:加强新型智库建设\n\n请于 3月8日 前处理。',
      buttons: [{ title: '去处理', url: `${emu.url}/__emulator/apps` }],
    });
    const page = await browser.newPage(PHONE);
    await page.goto(`${emu.url}/?userid=dt-qfb-c`);
    const card = page.locator('.card', { hasText: '您有 2 项待办' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.innerText()).toContain('签收 重点任务 4:深入开展大调研活动');
    expect(await page.locator('#nBadge .badge').innerText()).toBe('1');
    await page.screenshot({ path: `${ARTIFACTS}/console-notice.png`, fullPage: true });

    const popupPromise = page.waitForEvent('popup');
    await card.locator('button', { hasText: '去处理' }).click();
    const popup = await popupPromise;
    const opened = new URL(popup.url());
    const code = opened.searchParams.get('emulatorAuthCode')!;
    expect(code).toBeTruthy();
    expect((await channel.resolveAuthCode(code)).userId).toBe('dt-qfb-c');
    await popup.close();

    const report = await channel.checkNotice(sent.batches[0]!.taskId);
    expect(report.recipients).toEqual([{ userId: 'dt-qfb-c', status: 'read' }]);
    await page.close();
  });

  it('lets the official chat with the bot and see the reply rendered', async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${emu.url}/?userid=dt-fzb-c&tab=chat`);
    await page.locator('#text').fill('我的任务');
    await page.locator('#send').click();
    await expect.poll(() => page.locator('.bubble.me', { hasText: '我的任务' }).count()).toBe(1);
    const users = await emu.admin<Array<{ userid: string }>>('GET', '/users');
    expect(users.some((u) => u.userid === 'dt-fzb-c')).toBe(true);
    await channelFor(emu).sendRobot(['dt-fzb-c'], {
      kind: 'markdown',
      title: '我的任务',
      text: '**区法制办** 共 3 项:\n1. 重点任务 6 · 待签收\n2. 重点任务 22 · 进展已报',
    });
    const reply = page.locator('.bubble:not(.me)', { hasText: '重点任务 22 · 进展已报' });
    await expect.poll(() => reply.count(), { timeout: 5000 }).toBe(1);
    // the title is the chat list's preview line, not shown again above the text (as in DingTalk)
    expect(await reply.innerText()).not.toContain('我的任务');
    await page.screenshot({ path: `${ARTIFACTS}/console-chat.png`, fullPage: true });
    await page.close();
  });
});
