import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppendEvent } from '../model/ledger-events.js';
import { ChannelSet } from '../channels/channel-set.js';
import { shanghaiDate } from '../calendar/dates.js';
import { ChannelError, type Channel } from '../channels/channel.js';
import type { Log } from '../model/runtime.js';
import type { Store, StoreInstance } from '../store/ports.js';
import type { OutboxRow } from '../model/outbox-row.js';
import { checkDelivery } from './check-delivery.js';
import { system, type Outcome, type SendContext } from './send-context.js';
import { sendNotice } from './send-notice.js';
import { completeTodo, createTodo } from './send-todo.js';

/** A send's result as /metrics counts it: a rate-limit answer apart from other retries. */
export type SendResult = 'sent' | 'retried' | 'rate_limited' | 'failed';

export interface DispatcherOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Rows claimed per run. */
  batch: number;
  /** Rows sent at the same time. */
  concurrency: number;
  /** Results are recorded in groups of this many (one ledger append + one state write per group). */
  recordEvery: number;
  /** Delivery is checked this long after a notice is sent, and once more at 17:00 that day (read state). */
  checkAfterMs: number;
  /** Finished rows are pruned from the state after this long (the ledger keeps them). */
  keepDoneMs: number;
  /**
   * A claim lapses after this long: another instance may then take the row back even if the
   * claimant still runs (a pass claims at most `batch` rows, ~10 s of sending at 20 QPS).
   */
  leaseMs: number;
}

export const DEFAULT_DISPATCHER: DispatcherOptions = {
  maxAttempts: 8,
  baseDelayMs: 60_000,
  maxDelayMs: 2 * 3600_000,
  batch: 200,
  concurrency: 4,
  recordEvery: 25,
  checkAfterMs: 10 * 60_000,
  keepDoneMs: 7 * 86_400_000,
  leaseMs: 10 * 60_000,
};

/** One process on its own data directory: every claimant but this process has ended. */
function processInstance(): StoreInstance {
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  return { id, alive: async (ids) => new Set(ids.filter((x) => x === id)) };
}

/**
 * Claims the first `batch` pending rows due at `now` (in place, in order) for `by`; a notice of an
 * earlier day expires instead (a digest is never sent on a later day). Returns the claimed rows.
 */
function claimDue(rows: OutboxRow[], o: { by: string; now: Date; batch: number }): OutboxRow[] {
  const nowIso = o.now.toISOString();
  const today = shanghaiDate(o.now);
  const claimed: OutboxRow[] = [];
  let taken = 0;
  for (const r of rows) {
    if (taken >= o.batch) break;
    if (r.status !== 'pending' || r.runAt > nowIso) continue;
    taken += 1;
    if (r.kind === 'notice' && r.date < today) {
      r.status = 'expired';
      r.doneAt = nowIso;
      continue;
    }
    r.status = 'claimed';
    r.lockedAt = nowIso;
    r.lockedBy = o.by;
    r.attempts += 1;
    claimed.push(r);
  }
  return claimed;
}

/** A claim as it was seen: a row is taken back only if nobody claimed it again since. */
const claimMark = (r: OutboxRow): string => `${r.lockedBy ?? ''}|${r.lockedAt ?? ''}`;

/**
 * Sends what the outbox holds through the Channel. Claims rows (each claim names this instance and
 * when: `lockedBy`, `lockedAt`) — in one state write, or where the store claims apart from its
 * state (`Store.claimOutbox`: PostgreSQL, `FOR UPDATE SKIP LOCKED`) through it, by the same rule
 * (`claimDue`) — sends, then records the results in small
 * groups (each group's events and state change in one transaction). Retryable failures come back
 * with exponential backoff; a digest is never sent on a later day than its own.
 *
 * Every pass first takes back rows left claimed — its own instance's from an earlier pass that
 * failed, another instance's once that instance no longer runs (`Store.instance.alive`: on
 * PostgreSQL, its sessions are gone) or once the lease has lapsed — to pending on the same day (a
 * resend is dropped by DingTalk's same-content rule, 待办 are keyed by sourceId), to expired on a
 * later day. Never a row whose claimant is running and within its lease: that one may be sending it.
 */
export class Dispatcher {
  private readonly o: DispatcherOptions;
  /** Whose claims this dispatcher makes. */
  private readonly me: StoreInstance;
  private running: Promise<unknown> | undefined;
  /** The pass in progress: rows claimed and rows recorded so far (the console's progress). */
  readonly progress = { claimed: 0, done: 0 };
  private stopping = false;

  constructor(
    private readonly store: Store,
    channel: Channel | ChannelSet,
    private readonly log: Log,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.o = { ...DEFAULT_DISPATCHER, ...options };
    this.channels = ChannelSet.of(channel);
    this.me = store.instance ?? processInstance();
  }

  /** The configured platforms (one, or DingTalk and 浙政钉): each row goes out on its person's. */
  private readonly channels: ChannelSet;
  /** Sends by platform, kind and result since this process started (/metrics). */
  private readonly tally = new Map<string, number>();

  /** What this dispatcher sent since it started: by platform, row kind and result (rate-limit answers apart). */
  results(): Array<{ platform: string; kind: string; result: SendResult; n: number }> {
    return [...this.tally].map(([key, n]) => {
      const [platform, kind, result] = key.split('|') as [string, string, SendResult];
      return { platform, kind, result, n };
    });
  }

  private count(row: OutboxRow, result: SendResult): void {
    const key = `${('platform' in row && row.platform) || 'dingtalk'}|${row.kind}|${result}`;
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
  }

  /** The claimed rows this pass may take back (see the class comment), with their claims as seen. */
  private async lapsedClaims(now: Date): Promise<Map<string, string>> {
    const claimed = this.store.state.get().outbox.filter((r) => r.status === 'claimed');
    if (claimed.length === 0) return new Map();
    const others = [...new Set(claimed.map((r) => r.lockedBy))].filter(
      (o): o is string => o !== undefined && o !== this.me.id,
    );
    // when it cannot be told who still runs, every other claimant is taken to run: its lease decides
    const alive =
      others.length > 0
        ? await this.me.alive(others).catch((error: unknown) => {
            this.log.warn(`无法确认其他实例是否在运行(${(error as Error).message}):其领取的发送待租约到期后再收回`);
            return new Set(others);
          })
        : new Set<string>();
    const lapsed = new Date(now.getTime() - this.o.leaseMs).toISOString();
    return new Map(
      claimed
        .filter(
          (r) =>
            r.lockedBy === undefined ||
            r.lockedBy === this.me.id ||
            !alive.has(r.lockedBy) ||
            (r.lockedAt ?? '') <= lapsed,
        )
        .map((r) => [r.key, claimMark(r)]),
    );
  }

  /** One pass: claim due rows, send them, record the results. Concurrent calls share one pass. */
  runOnce(now: Date): Promise<{ sent: number; retried: number; failed: number; expired: number }> {
    const run = (this.running ??= this.pass(now).finally(() => (this.running = undefined)));
    return run as Promise<{ sent: number; retried: number; failed: number; expired: number }>;
  }

  private async pass(now: Date) {
    const stats = { sent: 0, retried: 0, failed: 0, expired: 0 };
    const nowIso = now.toISOString();
    const today = shanghaiDate(now);
    const lapsed = await this.lapsedClaims(now);
    const claim = { by: this.me.id, now, batch: this.o.batch };
    // several instances: claims are made apart from the state's transaction (`Store.claimOutbox`)
    const apart = this.store.claimOutbox?.bind(this.store);
    const {
      result: { inState, reclaimed, abandoned },
    } = await this.store.transact((d, tx) => {
      let reclaimed = 0;
      let abandoned = 0;
      for (const r of d.outbox) {
        if (r.status !== 'claimed' || lapsed.get(r.key) !== claimMark(r)) continue;
        if (r.kind === 'notice' && r.date < today) {
          tx.append({
            type: 'reminder.abandoned',
            actor: system,
            subject: { type: 'outbox', id: r.key },
            channel: 'scheduler' as const,
            payload: { reason: '发送中断,且已过当天,不再补发', date: r.date, personId: r.personId },
          });
          r.status = 'expired';
          r.doneAt = nowIso;
          abandoned += 1;
        } else {
          r.status = 'pending';
          reclaimed += 1;
        }
        delete r.lockedAt;
        delete r.lockedBy;
      }
      const keepAfter = new Date(now.getTime() - this.o.keepDoneMs).toISOString();
      const old = (r: OutboxRow): boolean => r.doneAt !== undefined && r.doneAt < keepAfter;
      if (d.outbox.some(old)) d.outbox = d.outbox.filter((r) => !old(r));
      const inState = apart ? [] : claimDue(d.outbox, claim).map((r) => JSON.parse(JSON.stringify(r)) as OutboxRow);
      return { inState, reclaimed, abandoned };
    });
    const claimed = apart
      ? (await apart({ now, batch: this.o.batch, claim: (due) => void claimDue(due, claim) })).filter(
          (r) => r.status === 'claimed',
        )
      : inState;
    if (reclaimed + abandoned > 0)
      this.log.warn(`上次未完成的发送:${reclaimed} 条重新排队,${abandoned} 条已过期不再补发`);
    stats.expired += abandoned;
    const queue = [...claimed];
    Object.assign(this.progress, { claimed: claimed.length, done: 0 });
    const done: Array<{ row: OutboxRow; outcome?: Outcome; error?: unknown }> = [];
    const flush = async (): Promise<void> => {
      const group = done.splice(0);
      if (group.length > 0) await this.record(group, now, stats);
      this.progress.done += group.length;
    };
    const worker = async (): Promise<void> => {
      for (
        let row = !this.stopping ? queue.shift() : undefined;
        row;
        row = !this.stopping ? queue.shift() : undefined
      ) {
        try {
          done.push({ row, outcome: await this.send(row, now) });
        } catch (error) {
          done.push({ row, error });
        }
        if (done.length >= this.o.recordEvery) await flush();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, queue.length) }, worker));
    await flush();
    if (queue.length > 0) {
      // stopping: rows claimed but never sent go back to pending (nothing was sent for them)
      const left = new Set(queue.map((r) => r.key));
      await this.store.transact((d) => {
        for (const r of d.outbox) {
          if (left.has(r.key) && r.status === 'claimed' && r.lockedBy === this.me.id) {
            r.status = 'pending';
            r.attempts -= 1;
            delete r.lockedAt;
            delete r.lockedBy;
          }
        }
      });
    }
    return stats;
  }

  /** Finish the sends in flight, record them, and take no more rows (shutdown). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Records a group of results: one ledger append and one state write for all of them. */
  private async record(
    group: Array<{ row: OutboxRow; outcome?: Outcome; error?: unknown }>,
    now: Date,
    stats: { sent: number; retried: number; failed: number; expired: number },
  ): Promise<void> {
    const nowIso = now.toISOString();
    const events: AppendEvent[] = [];
    const failures = new Map<string, { message: string; giveUp: boolean; delay: number }>();
    for (const { row, outcome, error } of group) {
      if (outcome) {
        events.push(...outcome.events);
        stats.sent += 1;
        this.count(row, 'sent');
        continue;
      }
      const retryable = error instanceof ChannelError ? error.retryable : false;
      const message =
        error instanceof Error
          ? `${error instanceof ChannelError ? `${error.code}: ` : ''}${error.message}`
          : String(error);
      const giveUp = !retryable || row.attempts >= this.o.maxAttempts;
      this.count(
        row,
        error instanceof ChannelError && error.code === 'RATE_LIMITED' ? 'rate_limited' : giveUp ? 'failed' : 'retried',
      );
      if (giveUp) {
        events.push({
          type: 'reminder.failed',
          actor: system,
          subject: { type: 'outbox', id: row.key },
          channel: 'scheduler',
          payload: { kind: row.kind, personId: row.personId, attempts: row.attempts, error: message },
        });
        this.log.warn(`发送失败,已放弃:${row.key}:${message}`);
        stats.failed += 1;
      } else stats.retried += 1;
      failures.set(row.key, {
        message,
        giveUp,
        delay: Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (row.attempts - 1)),
      });
    }
    await this.store.transact((d, tx) => {
      for (const e of events) tx.append(e);
      const byKey = new Map(d.outbox.map((r) => [r.key, r]));
      for (const { row, outcome } of group) {
        const r = byKey.get(row.key);
        if (!r) continue;
        // the claim lapsed and another instance took the row back: what happened here is in the
        // ledger; a send that worked still settles a row taken back and not yet claimed again
        if (!(r.status === 'claimed' && r.lockedBy === this.me.id) && !(outcome && r.status === 'pending')) continue;
        delete r.lockedAt;
        delete r.lockedBy;
        if (outcome) {
          r.status = 'sent';
          r.result = outcome.result;
          r.doneAt = nowIso;
          outcome.apply?.(d);
          for (const f of outcome.follow ?? []) {
            if (!byKey.has(f.key)) {
              d.outbox.push(f);
              byKey.set(f.key, f);
            }
          }
          continue;
        }
        const f = failures.get(row.key)!;
        r.lastError = f.message.slice(0, 500);
        if (f.giveUp) {
          r.status = 'failed';
          r.doneAt = nowIso;
        } else {
          r.status = 'pending';
          r.runAt = new Date(now.getTime() + f.delay).toISOString();
        }
      }
    });
  }

  /** One sender per kind of row (outbox/send-notice.ts, check-delivery.ts, send-todo.ts). */
  private send(row: OutboxRow, now: Date): Promise<Outcome> {
    const x: SendContext = { channels: this.channels, state: () => this.store.state.get(), options: this.o, now };
    switch (row.kind) {
      case 'notice':
        return sendNotice(row, x);
      case 'deliveryCheck':
        return checkDelivery(row, x);
      case 'todoCreate':
        return createTodo(row, x);
      case 'todoComplete':
        return completeTodo(row, x);
    }
  }
}
