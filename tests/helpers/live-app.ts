import { afterAll, beforeAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { DingTalkChannel } from '../../server/src/channels/dingtalk/dingtalk-channel.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { ChannelSet } from '../../server/src/channels/channel-set.js';
import { digestReach } from '../../server/src/core.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { launchChromium } from './browser.js';
import { channelFor, zzdChannelFor } from './channel.js';
import { startEmulator, type RunningEmulator } from './emulator.js';
import { calendar, policy } from './reminders.js';
import { MINIAPP_DIST } from './seeds.js';
import { seededApp, silentLog, type TestApp } from './test-app.js';

export interface LiveApp {
  emu: RunningEmulator;
  t: TestApp;
  channel: DingTalkChannel;
  /** Where the server (API and mini-app) listens. */
  url: string;
  /** Plans and sends the day's reminders (digests, 待办) into the emulator, links pointing at `url`. */
  sendReminders(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real server with the mini-app, talking to a running emulator, both clocks at `at`
 * (Asia/Shanghai). `zzd`: 浙政钉 configured too (DUBAN_PLATFORM=both), its gateway in the emulator.
 */
export async function startLiveApp(at: string, o: { zzd?: boolean } = {}): Promise<LiveApp> {
  const emu = await startEmulator();
  await emu.admin('PUT', '/settings', { qps: 0 });
  const channel = channelFor(emu, { qps: 0 });
  const channels = o.zzd ? new ChannelSet([channel, zzdChannelFor(emu)]) : undefined;
  const t = await seededApp({ channel, appDir: MINIAPP_DIST, ...(channels ? { channels } : {}) });
  t.deps.clock.set(at);
  await emu.admin('POST', '/clock', { at: t.deps.clock.now().toISOString() });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  return {
    emu,
    t,
    channel,
    url,
    sendReminders: async () => {
      const scheduler = new Scheduler({
        store: t.store,
        calendar,
        policy,
        clock: t.deps.clock,
        log: silentLog,
        dispatcher: new Dispatcher(t.store, channels ?? channel, silentLog, { concurrency: 8 }),
        publicUrl: url,
        ...(channels ? { reach: digestReach(t.store, channels) } : {}),
      });
      await scheduler.runUntilIdle(t.deps.clock.now());
    },
    close: async () => {
      await t.close();
      await emu.close();
    },
  };
}

/** A small real picture: Chromium draws a coloured card with a caption and hands back the PNG. */
export async function photo(browser: Browser, caption: string, colours = '#4096ff,#52c41a'): Promise<Buffer> {
  const page = await browser.newPage();
  await page.setContent(
    `<div id="x" style="width:240px;height:160px;background:linear-gradient(135deg,${colours});color:#fff;font:28px sans-serif;display:flex;align-items:center;justify-content:center">${caption}</div>`,
  );
  const bytes = await page.locator('#x').screenshot();
  await page.close();
  return bytes;
}

/**
 * A browser story's setting: the live app at `at` (after `prepare`, when given) and Chromium,
 * started before the file's tests and closed after them. Read `story.live` and `story.browser` in a test.
 */
export function liveStory(at: string, prepare?: (live: LiveApp) => Promise<void>): { live: LiveApp; browser: Browser } {
  const story = {} as { live: LiveApp; browser: Browser };
  beforeAll(async () => {
    story.live = await startLiveApp(at);
    if (prepare) await prepare(story.live);
    story.browser = await launchChromium();
  });
  afterAll(async () => {
    await story.browser?.close();
    await story.live?.close();
  });
  return story;
}
