import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../server/src/scheduler/sim-clock.js';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import { channelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { policy } from '../helpers/reminders.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('watching the plan unfold from the emulator console (local mode)', () => {
  let emu: RunningEmulator;
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    t = await seededApp();
    await t.app.close();
    const sim = new SimClock().attach(t.store, new Date('2018-11-01T09:00:00+08:00'));
    const channel = channelFor(emu, { qps: 0 });
    const syncClock = (at: Date) => emu.admin('POST', '/clock', { at: at.toISOString() }).then(() => undefined);
    t.app = await t.rebuild(
      { clock: sim, channel, dispatcher: { concurrency: 8 } },
      { sim: { clock: sim, digestTime: policy.digestTime, onMove: syncClock } },
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    emu.state.serverUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await emu?.close();
  });

  it("moves the simulated date and shows the day's digest to the official", async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${emu.url}/?userid=dt-fzb-c`);
    await expect.poll(() => page.locator('#simNow').innerText()).toBe('模拟日期 2018-11-01 周四');
    await page.locator('#simTo').fill('2018-11-07');
    await page.locator('#simTo').dispatchEvent('change');
    await expect.poll(() => page.locator('#simNow').innerText(), { timeout: 20_000 }).toBe('模拟日期 2018-11-07 周三');
    const card = page.locator('.card', { hasText: '督办提醒 · 11月7日' });
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    expect(await card.innerText()).toContain('还有 1 个工作日');
    await page.locator('nav button', { hasText: '待办' }).click();
    await expect.poll(() => page.locator('.card.todo').count()).toBeGreaterThan(0);
    await page.locator('nav button', { hasText: '工作通知' }).click();
    await page.screenshot({ path: `${ARTIFACTS}/console-sim-clock.png`, fullPage: true });
    await page.locator('[data-sim="nextWorkingDay"]').click();
    await expect.poll(() => page.locator('#simNow').innerText(), { timeout: 20_000 }).toBe('模拟日期 2018-11-08 周四');
    await expect
      .poll(() => page.locator('.card', { hasText: '督办提醒 · 11月8日' }).count(), { timeout: 20_000 })
      .toBe(1);
    await page.close();
  });
});
