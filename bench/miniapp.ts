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
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
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

interface Network {
  name: string;
  latency: number;
  down: number;
  up: number;
}
/** Chromium DevTools' "Fast 3G" preset (since 2024), and a 4G link (9 Mbps, 85 ms). */
const NETWORKS: Network[] = [
  { name: 'Fast 3G', latency: 562.5, down: ((1.6 * 1024 * 1024) / 8) * 0.9, up: ((750 * 1024) / 8) * 0.9 },
  { name: '4G', latency: 85, down: (9 * 1024 * 1024) / 8, up: (9 * 1024 * 1024) / 8 },
];

type Browser = Awaited<ReturnType<typeof chromium.launch>>;

/** A phone-sized page under `network`'s throttling and 4× CPU, with the bytes it receives counted. */
async function throttledPage(browser: Browser, network: Network) {
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
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: network.latency,
    downloadThroughput: network.down,
    uploadThroughput: network.up,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
  return {
    context,
    page,
    bytes: () => bytes,
    reset: () => (bytes = 0),
  };
}

/** First (empty cache) and next (cached assets, a new 免登 code) opens of 我的任务 from a notice. */
async function firstOpens(
  browser: Browser,
  network: Network,
  url: string,
  emuUrl: string,
  emu: Awaited<ReturnType<typeof buildEmulator>>,
  runs: number,
): Promise<Record<'cold' | 'warm', { ms: number[]; bytes: number[] }>> {
  const out = {
    cold: { ms: [] as number[], bytes: [] as number[] },
    warm: { ms: [] as number[], bytes: [] as number[] },
  };
  for (let run = 0; run < runs; run += 1) {
    const t = await throttledPage(browser, network);
    for (const kind of ['cold', 'warm'] as const) {
      const userid = emu.state.org.users.find((u) => u.userid === 'dt-fsjd-c')!.userid;
      const res = await fetch(`${emuUrl}/__emulator/auth-codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userid }),
      });
      const { code } = (await res.json()) as { code: string };
      if (kind === 'warm') await t.page.evaluate('sessionStorage.clear()');
      t.reset();
      await t.page.goto(`${url}/app/?emulatorAuthCode=${code}#/my`, { waitUntil: 'commit' });
      await t.page.locator('.group-yellow, .blank').first().waitFor({ timeout: 60_000 });
      out[kind].ms.push(await t.page.evaluate(() => performance.now()));
      out[kind].bytes.push(t.bytes());
    }
    await t.context.close();
  }
  return out;
}

/**
 * The network's floor: a bare server's one page of `bytes` (incompressible, sent as they are),
 * the marker at its end visible — what the same bytes cost in one response on the same link.
 */
async function floorServer(): Promise<{ url: (bytes: number) => string; close: () => Promise<void> }> {
  const bare = Fastify();
  bare.get('/floor', async (req, reply) => {
    const n = Math.max(200, Number((req.query as { bytes?: string }).bytes ?? 0));
    const filler = randomBytes(Math.ceil(n * 0.75))
      .toString('base64')
      .slice(0, n - 120);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`<!doctype html><html><body><!--${filler}--><div id="done">我的任务</div></body></html>`);
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;
  return { url: (bytes) => `${base}/floor?bytes=${bytes}`, close: () => bare.close() };
}

async function floorOpens(browser: Browser, network: Network, url: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const t = await throttledPage(browser, network);
    await t.page.goto(url, { waitUntil: 'commit' });
    await t.page.locator('#done').waitFor({ timeout: 60_000 });
    times.push(await t.page.evaluate(() => performance.now()));
    await t.context.close();
  }
  return percentile(times, 50);
}
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
  const floor = await floorServer();
  try {
    console.log(
      "Navigation → 我的任务 rendered, opened from a notice (page + 免登 + list), 4× CPU, against the network's floor: one page of the same bytes from a bare server, same throttling (3 runs, medians):",
    );
    console.log('| network | open | bytes | 督办通 | floor | ratio |\n|---|---|---|---|---|---|');
    for (const network of NETWORKS) {
      const ours = await firstOpens(browser, network, url, emuUrl, emu, 3);
      for (const kind of ['cold', 'warm'] as const) {
        const bytes = percentile(ours[kind].bytes, 50);
        const floorMs = await floorOpens(browser, network, floor.url(bytes), 3);
        const mine = percentile(ours[kind].ms, 50);
        console.log(
          `| ${network.name} | ${kind === 'cold' ? 'first (empty cache)' : 'next (cached assets, new auth code)'} | ${kb(bytes)} | ${ms(mine)} ms | ${ms(floorMs)} ms | ${(mine / floorMs).toFixed(2)} |`,
        );
      }
    }

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
    await floor.close();
    await browser.close();
    await app.close();
    await store.close();
    await emu.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
