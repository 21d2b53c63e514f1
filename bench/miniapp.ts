/**
 * Mini-app figures: what the first screen costs on the wire (gzip and brotli, from the build),
 * the time from navigation to 我的任务 rendered under Chromium's Fast 3G and 4× CPU throttling
 * (opened from a notice: page load + 免登 through the emulator + the list), and upload
 * throughput for a 20 MB file over loopback.
 */
import { eventOf, type AppendEvent } from '../server/src/model/ledger-events.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildEmulator } from '../emulator/src/app.js';
import { orgFromSeeds } from '../emulator/src/org.js';
import { createCore } from '../server/src/core.js';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { loadCalendar } from '../server/src/calendar/load-calendar.js';
import { DingTalkChannel } from '../server/src/channels/dingtalk/dingtalk-channel.js';
import { loadConfig } from '../server/src/config.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadPolicy } from '../server/src/domain/policy/policy.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { openStore } from '../server/src/store/open-store.js';
import { ms, percentile } from './stats.js';
import { TaskTimeline } from '../server/src/domain/progress/task-timeline.js';
import { appendEvents } from '../tests/helpers/store-writes.js';

/** The task timeline's catch-up over a long ledger (what a restart costs before task pages answer). */
export async function benchTimeline(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-timeline-'));
  const store = await openStore(dir, { clock: () => new Date() });
  try {
    await seedStore(store, await loadSeeds('seeds'), new Date());
    const as = store.state.get().assignments.filter((a) => a.status === 'active');
    for (let i = 0; i < n; i += 1000) {
      await appendEvents(
        store,
        Array.from({ length: 1000 }, (_, k): AppendEvent => {
          const a = as[(i + k) % as.length]!;
          return (i + k) % 3 === 0
            ? eventOf(
                'reminder.sent',
                { actor: { type: 'scheduler' }, subject: { type: 'outbox', id: `n${i + k}` }, channel: 'scheduler' },
                {
                  personId: 'p-fsjd-c',
                  userId: 'dt-fsjd-c',
                  kind: 'digest',
                  date: '2019-03-01',
                  taskId: a.taskId,
                  tasks: [a.taskId],
                  obligations: [`${a.id}:2019:progress:Q1`],
                  level: 1,
                },
              )
            : eventOf(
                'progress.reported',
                {
                  actor: { type: 'person', id: 'p-fsjd-c', name: '石刚' },
                  subject: { type: 'assignment', id: a.id },
                  channel: 'miniapp',
                },
                {
                  taskId: a.taskId,
                  unitId: a.unitId,
                  text: '本月已完成试点申报,正在组织专家评审',
                  noChange: false,
                  evidence: [],
                  obligations: [],
                  before: 'none due',
                  after: 'none due',
                },
              );
        }),
      );
    }
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const timeline = new TaskTimeline(store.ledger, () => store.state.get());
    await timeline.start();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const heap = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
    console.log(
      `Task timeline catch-up at start: ${n.toLocaleString('en')} ledger events in ${seconds.toFixed(1)} s (${((seconds / n) * 1e6).toFixed(0)} µs/event), ~${heap.toFixed(0)} MB held`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const DIST = 'miniapp/dist';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** JS and CSS the first screen loads: index.html's entry script, its modulepreloads and stylesheets. */
function firstScreenSizes(): { js: [number, number]; css: [number, number]; files: number } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/app\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const sum = (ext: string, enc: 'gz' | 'br') =>
    files.filter((f) => f.endsWith(ext)).reduce((n, f) => n + statSync(join(DIST, `${f}.${enc}`)).size, 0);
  return { js: [sum('.js', 'gz'), sum('.js', 'br')], css: [sum('.css', 'gz'), sum('.css', 'br')], files: files.length };
}

export async function benchMiniapp(): Promise<void> {
  console.log('\n## Mini-app');
  if (!existsSync(join(DIST, 'index.html'))) {
    console.log('(not built: run npm run build first)');
    return;
  }
  const s = firstScreenSizes();
  console.log(
    `First screen (${s.files} files): JS ${kb(s.js[0])} gzip / ${kb(s.js[1])} brotli; CSS ${kb(s.css[0])} gzip / ${kb(s.css[1])} brotli`,
  );

  const emu = await buildEmulator(orgFromSeeds('seeds'));
  await emu.app.listen({ port: 0, host: '127.0.0.1' });
  emu.state.settings.qps = 0;
  const emuUrl = `http://127.0.0.1:${(emu.app.server.address() as AddressInfo).port}`;
  const a = emu.state.org.apps[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'duban-miniapp-'));
  const store = await openStore(dir, { clock: () => new Date() });
  await seedStore(store, await loadSeeds('seeds'), new Date());
  const clock = { now: () => new Date('2018-11-07T09:00:00+08:00') };
  emu.state.clock.set(clock.now().getTime());
  const channel = new DingTalkChannel({
    appKey: a.appKey,
    appSecret: a.appSecret,
    agentId: a.agentId,
    robotCode: a.robotCode,
    apiBase: emuUrl,
    oapiBase: emuUrl,
    qps: 0,
  });
  const sessions = new SessionTokens(Buffer.alloc(32, 1), () => new Date());
  const app = await createCore(loadConfig({ DUBAN_DATA_DIR: dir }), {
    store,
    clock,
    log: { info: () => undefined, warn: () => undefined, error: (m) => console.error(m) },
    channel,
    calendar: await loadCalendar('seeds'),
    policy: await loadPolicy('seeds'),
    dingtalk: { corpId: emu.state.org.corpId, clientId: a.appKey },
  }).app({ sessions, appDir: join(process.cwd(), DIST) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const times: { cold: number[]; warm: number[] } = { cold: [], warm: [] };
    for (let run = 0; run < 5; run += 1) {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      // Chromium DevTools' "Fast 3G" preset (since 2024): 1.6 Mbps down, 750 Kbps up, 562.5 ms RTT
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 562.5,
        downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
        uploadThroughput: ((750 * 1024) / 8) * 0.9,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      for (const kind of ['cold', 'warm'] as const) {
        const code = emu.state.org.users.find((u) => u.userid === 'dt-fsjd-c')!.userid;
        const res = await fetch(`${emuUrl}/__emulator/auth-codes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userid: code }),
        });
        const { code: authCode } = (await res.json()) as { code: string };
        if (kind === 'warm') await page.evaluate('sessionStorage.clear()');
        await page.goto(`${url}/app/?emulatorAuthCode=${authCode}#/my`, { waitUntil: 'commit' });
        await page.locator('.group-yellow, .blank').first().waitFor({ timeout: 60_000 });
        times[kind].push(await page.evaluate(() => performance.now()));
      }
      await context.close();
    }
    const line = (v: number[]) =>
      `median ${ms(percentile(v, 50))} ms (min ${ms(Math.min(...v))}, max ${ms(Math.max(...v))})`;
    console.log(`Navigation → 我的任务 rendered, Fast 3G + 4× CPU, opened from a notice (page + 免登 + list), 5 runs:`);
    console.log(`  first open (empty cache): ${line(times.cold)}`);
    console.log(`  next open (cached assets, new auth code): ${line(times.warm)}`);

    // upload throughput over loopback, 20 MB, fresh content each time
    const token = sessions.issue('p-fsjd-c', ['contact']).token;
    const speeds: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const bytes = Buffer.alloc(20 * 1024 * 1024 - 1024, i + 1);
      bytes.write('%PDF-1.7\n', 0);
      const form = new FormData();
      form.append('file', new Blob([bytes]), `材料${i}.pdf`);
      const t0 = process.hrtime.bigint();
      const r = await fetch(`${url}/api/evidence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (!r.ok) throw new Error(`upload failed: ${r.status} ${await r.text()}`);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      speeds.push(bytes.length / 1024 / 1024 / seconds);
    }
    console.log(
      `Upload of a 20 MB file over loopback (streamed to disk, hashed, fsynced): median ${percentile(speeds, 50).toFixed(0)} MB/s (${speeds.map((v) => v.toFixed(0)).join(', ')})`,
    );
  } finally {
    await browser.close();
    await app.close();
    await store.close();
    await emu.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
