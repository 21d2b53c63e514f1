import type { Config } from './config.js';
import type { Channel } from './channels/channel.js';
import type { ChannelSet } from './channels/channel-set.js';
import type { Store } from './store/ports.js';
import type { Clock, Log } from './model/runtime.js';

/** Everything services and routes need, passed in (ARCHITECTURE §1). Tests build it with fakes. */
export interface Deps {
  config: Config;
  clock: Clock;
  log: Log;
  store: Store;
  /** The messaging platform (DingTalk, or the emulator in local mode). Absent in read-only tools. */
  channel?: Channel;
  /** Every configured platform (DingTalk and/or 浙政钉): 浙政钉's 免登 goes through its channel. */
  channels?: ChannelSet;
}
