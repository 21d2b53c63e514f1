/**
 * Remembers recently seen msgIds (DingTalk redelivers unacked callbacks for about a minute, and a
 * message can arrive by Stream and HTTP). Bounded: the oldest ids are forgotten first.
 */
export class MsgIdDeduper {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 10_000,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time an id is offered (within the TTL), false afterwards. */
  first(msgId: string): boolean {
    const t = this.now();
    const at = this.seen.get(msgId);
    if (at !== undefined && t - at < this.ttlMs) return false;
    this.seen.delete(msgId);
    this.seen.set(msgId, t);
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
