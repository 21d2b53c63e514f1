import { accountOn, type Person, type Platform } from '../../../shared/schemas/person.js';
import type { Channel } from './channel.js';

/**
 * The configured platforms' channels, in the order of preference (`DUBAN_PLATFORM=both`: DingTalk,
 * then 浙政钉). A person is reached on the first platform they have an account on.
 */
export class ChannelSet {
  readonly channels: readonly Channel[];

  constructor(channels: readonly Channel[]) {
    if (channels.length === 0) throw new Error('ChannelSet needs at least one channel');
    this.channels = channels;
  }

  static of(channel: Channel | ChannelSet): ChannelSet {
    return channel instanceof ChannelSet ? channel : new ChannelSet([channel]);
  }

  /** The first configured channel: what rows without a person (and the bot) use. */
  get primary(): Channel {
    return this.channels[0]!;
  }

  on(platform: Platform): Channel | undefined {
    return this.channels.find((c) => c.platform === platform);
  }

  /** The channel that reaches the person (the first platform they have an account on), if any. */
  for(person: Pick<Person, 'accounts'>, need?: (c: Channel) => boolean): Channel | undefined {
    return this.channels.find((c) => accountOn(person, c.platform) && (!need || need(c)));
  }

  get platforms(): Platform[] {
    return this.channels.map((c) => c.platform);
  }
}
