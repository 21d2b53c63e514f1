import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotHandler } from '../../server/src/bot/bot.js';
import { BotInbox } from '../../server/src/bot/bot-inbox.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { StreamReceiver } from '../../server/src/channels/dingtalk/stream-receiver.js';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { photo, startLiveApp, type LiveApp } from '../helpers/live-app.js';
import { calendar, policy, progressFor } from '../helpers/reminders.js';
import { silentLog, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';

/** Issue #5's end-to-end: reminder → bot reply with a picture → the 督考办 sees both on the task. */
describe('an official reports to the bot from the console; the 督考办 sees it in the mini-app', () => {
  let live: LiveApp;
  let t: TestApp;
  let emu: RunningEmulator;
  let browser: Browser;
  let receiver: StreamReceiver;
  let url: string;
  beforeAll(async () => {
    live = await startLiveApp('2018-11-07T09:00:00+08:00');
    ({ t, emu, url } = live);
    const inbox = new BotInbox(
      toBotEvent,
      createBotHandler({
        progress: progressFor(t.store, t.deps.clock, url),
        store: t.store,
        channel: live.channel,
        calendar,
        policy,
        clock: t.deps.clock,
        log: silentLog,
        publicUrl: url,
        evidence: t.evidence,
      }),
      silentLog,
    );
    receiver = new StreamReceiver(
      { clientId: emu.appKey, clientSecret: emu.appSecret, apiBase: emu.url },
      inbox,
      silentLog,
    );
    await receiver.start();
    await waitFor(
      async () => (await emu.admin<{ connections: unknown[] }>('GET', '/stream')).connections.length === 1,
      10_000,
      'stream connection',
    );
    await live.sendReminders();
    browser = await launchChromium();
  });
  afterAll(async () => {
    receiver?.stop();
    await browser?.close();
    await live?.close();
  });

  it('进展 1 … then a picture in the chat; the 督考办’s task page shows the report and the picture', async () => {
    const context = await browser.newContext(PHONE);
    const official = await context.newPage();
    await official.goto(`${emu.url}/?userid=dt-fsjd-c`);
    await official.locator('.card', { hasText: '督办提醒 · 11月7日' }).waitFor({ timeout: 20_000 });

    await official.locator('nav button', { hasText: '督办通机器人' }).click();
    await official.locator('#text').fill('进展 1 已完成试点申报,材料已报区发改局');
    await official.locator('#send').click();
    await official
      .locator('#main', { hasText: '已记录您对重点任务1的进展' })
      .or(official.locator('#main', { hasText: '已报送:重点任务1' }))
      .waitFor({ timeout: 20_000 });
    const picture = await photo(browser, '现场照片', '#fa8c16,#fadb14');
    await official.locator('#pic').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: picture });
    await official.locator('#main', { hasText: '已将图片附在重点任务1的进展上' }).waitFor({ timeout: 20_000 });
    await official.screenshot({ path: `${ARTIFACTS}/bot-report-with-picture.png` });

    // the 督考办 opens the task from DingTalk (an auth code as the console would pass it)
    const { code } = await emu.admin<{ code: string }>('POST', '/auth-codes', { userid: 'dt-dkb-s1' });
    const supervisor = await context.newPage();
    await supervisor.goto(`${url}/app/?emulatorAuthCode=${code}&corpId=x#/my`);
    await supervisor.locator('.nav-link', { hasText: '任务清单' }).click();
    await supervisor.locator('.adm-list-item', { hasText: '重点任务36' }).waitFor({ timeout: 20_000 }); // the 督考办 sees every key task
    await supervisor.screenshot({ path: `${ARTIFACTS}/supervisor-task-list.png` });
    await supervisor.locator('.adm-list-item', { hasText: '重点任务1 ' }).first().click();
    const report = supervisor.locator('.tl-progress-reported').first();
    await report.waitFor({ timeout: 20_000 });
    const text = await report.innerText();
    expect(text).toContain('已完成试点申报,材料已报区发改局');
    expect(text).toContain('石刚');
    expect(text).toContain('经机器人');
    expect(text).toContain('府山街道');
    const img = report.locator('.thumbs img');
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 })
      .toBe(240); // the thumbnail, not the 480 px original
    // the 督考办 acts for no unit here: no action buttons
    expect(await supervisor.locator('.card.mine').count()).toBe(0);
    await report.scrollIntoViewIfNeeded();
    await supervisor.screenshot({ path: `${ARTIFACTS}/supervisor-task-view.png` });
    await context.close();
  });
});
