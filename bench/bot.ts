/**
 * Bot figures: round trip (a message in → the reply recorded by the emulator) with 50 officials
 * writing at once, through the real pipeline (Stream, inbox, handler, ledger, session reply);
 * and the command parser's throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmulator } from '../emulator/src/app.js';
import { orgFromSeeds } from '../emulator/src/org.js';
import { createCore } from '../server/src/core.js';
import { loadConfig } from '../server/src/config.js';
import { parseCommand } from '../server/src/bot/command-parser.js';
import { WorkCalendar } from '../server/src/calendar/work-calendar.js';
import { DingTalkChannel } from '../server/src/channels/dingtalk/dingtalk-channel.js';
import { StreamReceiver } from '../server/src/channels/dingtalk/stream-receiver.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { DEFAULT_POLICY } from '../server/src/domain/policy/policy.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { openStore } from '../server/src/store/open-store.js';
import { ms, percentile } from './stats.js';

export async function benchBot(): Promise<void> {
  const inputs = [
    '我的任务',
    '收到 8',
    '进展 11 已完成试点申报,正在组织专家评审',
    '延期 8 6月30日 等待上级批复',
    '详情 二十二',
    '今天天气不错',
    '全部收到',
    '无变化 22',
    // as officials write them (slots anywhere, traditional characters, lists, relative dates)
    '收到',
    '3号任务已完成80%,附件见图',
    '王主任好,3号任务已经完成了,请审核',
    '進展 8 已完成試點申報',
    '1、3、5收到',
    '9号任务申请延期到下月15号,原因是等待编制批复',
  ];
  const n = 200_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) parseCommand(inputs[i % inputs.length]!);
  const perSecond = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  console.log(
    `\n## Bot\nParser: ${Math.round(perSecond).toLocaleString('en')} messages/s (mixed commands and natural replies, one core)`,
  );

  const emu = await buildEmulator(orgFromSeeds('seeds'));
  await emu.app.listen({ port: 0, host: '127.0.0.1' });
  emu.state.settings.qps = 0;
  const url = `http://127.0.0.1:${(emu.app.server.address() as AddressInfo).port}`;
  const app = emu.state.org.apps[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'duban-bot-'));
  const store = await openStore(dir, { clock: () => new Date() });
  await seedStore(store, await loadSeeds('seeds'), new Date());
  const now = new Date('2019-03-20T10:00:00+08:00');
  const channel = new DingTalkChannel({
    appKey: app.appKey,
    appSecret: app.appSecret,
    agentId: app.agentId,
    robotCode: app.robotCode,
    apiBase: url,
    oapiBase: url,
    qps: 0,
  });
  const log = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
  const { inbox } = createCore(loadConfig({ DUBAN_DATA_DIR: dir, DUBAN_PUBLIC_URL: 'http://127.0.0.1:3000' }), {
    store,
    channel,
    calendar: new WorkCalendar(),
    policy: DEFAULT_POLICY,
    clock: { now: () => now },
    log,
  });
  const receiver = new StreamReceiver({ clientId: app.appKey, clientSecret: app.appSecret, apiBase: url }, inbox, log);
  await receiver.start();
  while (emu.gateway.connections.size === 0) await new Promise((r) => setTimeout(r, 10));
  const officials = emu.state.org.users.slice(0, 50);
  // each official waits for the robot's next reply to them: woken by the emulator's inbox as it
  // records one, not by polling it (50 pollers spinning would slow the very loop being measured)
  const waiting = new Map<string, () => void>();
  const record = emu.state.inbox.push.bind(emu.state.inbox);
  emu.state.inbox.push = (...items) => {
    const n = record(...items);
    for (const x of items) if (x.kind === 'robot' && x.direction === 'toUser') waiting.get(x.userid)?.();
    return n;
  };
  const times: number[] = [];
  for (let round = 0; round < 6; round += 1) {
    await Promise.all(
      officials.map(async (u, i) => {
        const replied = new Promise<void>((resolve) => waiting.set(u.userid, resolve));
        const t = process.hrtime.bigint();
        await fetch(`${url}/__emulator/robot/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userid: u.userid, text: inputs[(i + round) % inputs.length] }),
        });
        await replied;
        waiting.delete(u.userid);
        if (round > 0) times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }),
    );
  }
  console.log(
    `Round trip (message in → reply recorded by the emulator), 50 officials at once, ${times.length} messages: p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms`,
  );
  receiver.stop();
  await inbox.idle();
  await store.close();
  await emu.app.close();
  rmSync(dir, { recursive: true, force: true });
}
