import type { BotEvent, BotEventHandler } from '../channels/bot-event.js';
import type { Log } from '../model/runtime.js';
import { MsgIdDeduper } from './inbound-dedupe.js';
import type { LedgerReader as Ledger } from '../store/ports.js';

/**
 * The msgIds of bot messages handled in the last `windowMs` (default 10 minutes), read from the
 * tail of the ledger: DingTalk redelivers for about a minute, so a restart inside that window must
 * not handle a message twice.
 */
export async function recentBotMsgIds(
  ledger: Ledger,
  now: number,
  windowMs = 10 * 60_000,
  tail = 5_000,
): Promise<string[]> {
  const out: string[] = [];
  for await (const e of ledger.read(Math.max(1, ledger.head().seq - tail + 1))) {
    const msgId = (e.payload as { msgId?: unknown } | undefined)?.msgId;
    if (e.channel === 'bot' && typeof msgId === 'string' && now - Date.parse(e.at) <= windowMs) out.push(msgId);
  }
  return out;
}

/** A platform's payload → the neutral event (DingTalk's: channels/dingtalk/robot-payload.ts). */
export type BotPayloadParser = (raw: unknown, transport: BotEvent['transport']) => BotEvent | undefined;

/**
 * Where the receivers (Stream, HTTP callback) hand raw robot payloads once they have acked them:
 * parse with the platform's parser, deduplicate by msgId, run the handler in the background, log
 * failures with the msgId. The bot's, not a channel's: it knows no platform.
 */
export class BotInbox {
  private readonly dedupe: MsgIdDeduper;
  readonly running = new Set<Promise<void>>();

  constructor(
    private readonly parse: BotPayloadParser,
    private readonly handler: BotEventHandler,
    private readonly log: Log,
    now: () => number = Date.now,
    /** Several instances: a msgId is handled by the first to claim it in the database (store.claimOnce). */
    private readonly claim?: (key: string) => Promise<boolean>,
  ) {
    this.dedupe = new MsgIdDeduper(10_000, 10 * 60_000, now);
  }

  /** Marks msgIds as already handled (the ones the ledger shows from before a restart). */
  remember(msgIds: Iterable<string>): void {
    for (const id of msgIds) this.dedupe.first(id);
  }

  /** Returns the event when it is new and will be handled; undefined for a duplicate or junk. */
  accept(raw: unknown, transport: BotEvent['transport']): BotEvent | undefined {
    const event = this.parse(raw, transport);
    if (!event) {
      this.log.warn(`忽略无法识别的机器人消息(${transport})`);
      return undefined;
    }
    if (!this.dedupe.first(event.msgId)) return undefined;
    const claimed = this.claim ? this.claim(`bot:${event.msgId}`) : Promise.resolve(true);
    const job = claimed
      .then((mine) => (mine ? this.handler(event) : undefined))
      .catch((error: unknown) =>
        this.log.error(`处理机器人消息 ${event.msgId} 失败:${(error as Error).stack ?? String(error)}`),
      )
      .finally(() => this.running.delete(job));
    this.running.add(job);
    return event;
  }

  /** Wait for handlers in flight (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
