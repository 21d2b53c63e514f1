import { DingTalkChannel, type DingTalkChannelOptions } from '../../server/src/channels/dingtalk/dingtalk-channel.js';
import { ZzdChannel, type ZzdChannelOptions } from '../../server/src/channels/zzd/zzd-channel.js';
import { ZZD_APP } from '../../emulator/src/zzd/gateway.js';
import type { RunningEmulator } from './emulator.js';

/** The server's DingTalk channel pointed at a running emulator. */
export function channelFor(emu: RunningEmulator, extra: Partial<DingTalkChannelOptions> = {}): DingTalkChannel {
  const app = emu.state.org.apps[0]!;
  return new DingTalkChannel({
    appKey: app.appKey,
    appSecret: app.appSecret,
    agentId: app.agentId,
    robotCode: app.robotCode,
    apiBase: emu.url,
    oapiBase: emu.url,
    retry: { baseMs: 20, maxMs: 500, attempts: 12 },
    ...extra,
  });
}

/** The server's 浙政钉 channel pointed at the emulator's gateway (it signs with the real time, as the gateway checks). */
export function zzdChannelFor(emu: RunningEmulator, extra: Partial<ZzdChannelOptions> = {}): ZzdChannel {
  return new ZzdChannel({
    appKey: ZZD_APP.appKey,
    appSecret: ZZD_APP.appSecret,
    tenantId: ZZD_APP.tenantId,
    apiBase: `${emu.url}/zzd`,
    qps: 0,
    ...extra,
  });
}
