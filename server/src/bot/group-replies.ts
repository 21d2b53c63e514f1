import type { OutboundMessage } from '../channels/channel.js';
import type { BotCommand } from './bot-command.js';

/**
 * In a 督办工作群 the bot answers the person who @-mentioned it, for their own units only, and
 * never lists a unit's items in the group: what would list them (我的任务, 详情, the questions with
 * their buttons) goes to the sender privately, the group hears a one-line note @-ing them.
 */
const PRIVATE = new Set<BotCommand['kind']>(['myTasks', 'detail', 'ackWhich', 'whichTask', 'help']);

export function privateInGroup(kind: BotCommand['kind'], message: OutboundMessage): boolean {
  return PRIVATE.has(kind) || message.kind === 'actionCard';
}

/** The group's line for a reply sent privately. */
export const sentPrivately = (name: string, userId: string): OutboundMessage => ({
  kind: 'text',
  text: `@${name} 已单独回复您(涉及单位事项,不在群里展示)。`,
  at: [userId],
});

/** A reply in the group @-mentions its sender. */
export function atSender(message: OutboundMessage, name: string, userId: string): OutboundMessage {
  if (message.kind === 'text') return { ...message, text: `@${name} ${message.text}`, at: [userId] };
  if (message.kind === 'markdown') return { ...message, text: `@${name} ${message.text}`, at: [userId] };
  return message;
}

/**
 * DingTalk lets a robot post 20 messages a minute to a group: replies wait their turn (never
 * dropped). `now` and `sleep` are injected (tests run without waiting).
 */
export class GroupPace {
  private readonly sent: number[] = [];
  constructor(
    private readonly perMinute = 20,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more group message may go out (and counts it). */
  async turn(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.sent.length > 0 && t - this.sent[0]! >= 60_000) this.sent.shift();
      if (this.sent.length < this.perMinute) {
        this.sent.push(t);
        return;
      }
      await this.sleep(60_000 - (t - this.sent[0]!));
    }
  }
}
