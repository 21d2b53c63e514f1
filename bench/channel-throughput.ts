/**
 * The DingTalk channel against the emulator capped at 20 QPS per API: messages per second
 * sustained, and how many 90018s the emulator answered (the client-side limiter should leave none).
 * Also the emulator's own cost per call (loopback HTTP round trip of a token-checked /topapi call).
 */
import type { AddressInfo } from 'node:net';
import { buildEmulator } from '../emulator/src/app.js';
import { orgFromSeeds } from '../emulator/src/org.js';
import { DingTalkChannel } from '../server/src/channels/dingtalk/dingtalk-channel.js';
import { ms, percentile, timeEach } from './stats.js';

export async function benchChannel(): Promise<void> {
  const emu = await buildEmulator(orgFromSeeds('seeds'));
  await emu.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(emu.app.server.address() as AddressInfo).port}`;
  const app = emu.state.org.apps[0]!;
  const channel = new DingTalkChannel({
    appKey: app.appKey,
    appSecret: app.appSecret,
    agentId: app.agentId,
    robotCode: app.robotCode,
    apiBase: url,
    oapiBase: url,
    qps: 20,
  });
  const users = emu.state.org.users.map((u) => u.userid);
  await channel.sendNotice([users[0]!], { kind: 'text', text: 'warm-up' });
  const n = 200;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      channel.sendNotice([users[i % users.length]!], { kind: 'text', text: `督办提醒 #${i}` }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const counters = emu.state.counter(app.appKey);
  console.log(`\n## DingTalk channel vs emulator capped at 20 QPS per API`);
  console.log(
    `${n} work notifications (one call each) in ${seconds.toFixed(2)} s → ${(n / seconds).toFixed(1)} msg/s; 90018 answered by the emulator: ${counters.rateLimited}; errors seen by the caller: 0`,
  );

  emu.state.settings.qps = 0;
  const token = (await (await fetch(`${url}/gettoken?appkey=${app.appKey}&appsecret=${app.appSecret}`)).json()) as {
    access_token: string;
  };
  const times = await timeEach(1000, () =>
    fetch(`${url}/topapi/v2/user/get?access_token=${token.access_token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"userid":"dt-qfb-c"}',
    }).then((r) => r.json()),
  );
  console.log(
    `Emulator cost per call (/topapi/v2/user/get, loopback, sequential, 1000 calls): p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms`,
  );
  await emu.app.close();
}
