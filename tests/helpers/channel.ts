import { DingTalkChannel, type DingTalkChannelOptions } from '../../server/src/channels/dingtalk/dingtalk-channel.js';
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
