import { syncCalendar } from '../domain/calendar/calendar-years.js';
import cron, { type ScheduledTask } from 'node-cron';
import { lightCounts, recordLightsInDraft } from '../domain/overview/overview.js';
import { firstWorkingDayOfWeek, leaderDigests } from '../domain/overview/leader-digest.js';
import { noticeInDraft } from '../domain/notices/notices.js';
import { parseHhmm, shanghaiDate, shanghaiMinutes } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Clock, Log } from '../model/runtime.js';
import { planReminders, type PlanResult } from '../domain/reminders/planner.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import type { Dispatcher } from '../outbox/dispatcher.js';
import { enqueuePlan } from './enqueue-day.js';
import type { Chore } from './housekeeping.js';
import type { DigestReach } from '../domain/reminders/digest-text.js';
import { ensureObligations, pruneInDraft } from '../domain/obligations/obligation-book.js';
import type { Store } from '../store/ports.js';

export interface TickResult {
  date: string;
  /** The plan made by this tick (only the tick that planned the day has one). */
  plan?: PlanResult;
  planned?: { reminders: number; todos: number; added: number };
  skipped?: string;
  dispatched: { sent: number; retried: number; failed: number; expired: number };
  /** Several instances: another one leads the scheduling; this one did nothing. */
  standby?: boolean;
}

/**
 * Cron is only a wake-up (ARCHITECTURE rule 9): every tick recomputes from stored state what is
 * due. The day's reminders are planned once, guarded by a compare-and-set on
 * `scheduler.lastPlannedDate` in the same state write that enqueues them; then the dispatcher
 * sends whatever is due. At start-up a tick runs at once (catch-up); a day missed while the
 * process was down is not replayed — today's plan already carries everything still overdue.
 */
type Phase = 'obligations' | 'planning' | 'sending';

export class Scheduler {
  private task: ScheduledTask | undefined;
  private catchUp: Promise<void> | undefined;
  /** A day being worked out by runUntilIdle (the simulated clock moved): for the console's progress line. */
  private busy: { date: string; phase: Phase; started: number; base: number; total: number } | undefined;

  constructor(
    private readonly d: {
      store: Store;
      calendar: WorkCalendar;
      policy: ReminderPolicy;
      clock: Clock;
      log: Log;
      dispatcher: Dispatcher;
      publicUrl: string;
      /** What each person's platform allows (robot chat, size): digests are written for it. */
      reach?: (personId: string) => DigestReach | undefined;
      /** Chores run at start and then on their own period of real time (evidence housekeeping). */
      chores?: readonly Chore[];
      /** 督办通知单 left unsigned or unanswered: escalated to the unit's leaders from the digest's hour. */
      sheets?: { escalate(now: Date): Promise<number> };
    },
  ) {}

  private readonly timers: NodeJS.Timeout[] = [];
  /** The last day planned by this instance: how long the plan took and what it made (for /metrics). */
  lastPlan: { date: string; seconds: number; reminders: number; todos: number } | undefined;

  /** Runs one chore now and logs what it did (a failure is logged, never thrown). */
  async runChore(chore: Chore): Promise<string | undefined> {
    try {
      const said = await chore.run();
      if (said) this.d.log.info(said);
      return said;
    } catch (error) {
      this.d.log.error(`${chore.name}失败:${(error as Error).message}`);
      return undefined;
    }
  }

  /** What would be planned at `now` (no writes). */
  preview(now: Date): PlanResult {
    return planReminders(this.d.store.state.get(), this.d.calendar, this.d.policy, now);
  }

  async tick(now = this.d.clock.now()): Promise<TickResult> {
    const date = shanghaiDate(now);
    const out: TickResult = { date, dispatched: { sent: 0, retried: 0, failed: 0, expired: 0 } };
    // several instances on one database: one plans and sends (an advisory lock), the others stand by
    if (!(await this.leading())) return { ...out, standby: true };
    // years' 放假安排 added meanwhile (here or on another instance) first: the plan counts working days
    syncCalendar(this.d.calendar, this.d.store.state.get());
    // a new year (or an import) is materialised first: the plan reads stored obligations
    this.phase('obligations');
    await ensureObligations(this.d.store, this.d, now);
    if (this.d.store.state.get().scheduler.lastPlannedDate !== date) {
      this.phase('planning');
      const started = performance.now();
      const plan = planReminders(this.d.store.state.get(), this.d.calendar, this.d.policy, now);
      this.lastPlan = {
        date,
        seconds: (performance.now() - started) / 1000,
        reminders: plan.reminders.length,
        todos: plan.todoCreates.length,
      };
      for (const w of plan.warnings) this.d.log.warn(w);
      if (plan.skipped) out.skipped = plan.skipped;
      else {
        const lights = lightCounts(this.d.store.state.get(), this.d, date);
        // Mondays (or the first working day after a holiday): the leaders' weekly digest of what is red or
        // yellow; it replaces that day's other notices to them (one message a day)
        const weekly = firstWorkingDayOfWeek(this.d, date)
          ? leaderDigests(this.d.store.state.get(), this.d, date, this.d.publicUrl)
          : [];
        const weeklyTo = new Set(weekly.map((w) => w.personId));
        plan.reminders = plan.reminders.filter((r) => !weeklyTo.has(r.personId));
        const payload = {
          digests: plan.reminders.filter((r) => r.kind === 'digest').length,
          escalations: plan.reminders.filter((r) => r.kind === 'escalation').length,
          todos: plan.todoCreates.length,
          dayName: plan.dayName,
          ...(weekly.length ? { weekly: weekly.length } : {}),
        };
        // the decision, its ledger event and the enqueued rows commit together
        const { result: added } = await this.d.store.transact((draft, tx) => {
          if (draft.scheduler.lastPlannedDate === date) return -1;
          draft.scheduler.lastPlannedDate = date;
          tx.append({
            type: 'reminders.planned',
            actor: { type: 'scheduler', name: '督办通提醒' },
            subject: { type: 'day', id: date },
            channel: 'scheduler',
            payload,
          });
          pruneInDraft(draft, date);
          recordLightsInDraft(draft, date, lights);
          for (const w of weekly)
            noticeInDraft(
              draft,
              {
                key: `weekly:${date}:${w.personId}`,
                personId: w.personId,
                userId: w.userId,
                kind: 'weekly',
                message: w.message,
                tasks: [],
                obligations: [],
                date,
              },
              now,
            );
          return enqueuePlan(draft, plan, this.d.policy, this.d.publicUrl, now, this.d.reach) + weekly.length;
        });
        if (added >= 0) {
          out.plan = plan;
          out.planned = { reminders: plan.reminders.length, todos: plan.todoCreates.length, added };
          this.d.log.info(
            `${date} ${plan.dayName}:已安排 ${plan.reminders.length} 条提醒、${plan.todoCreates.length} 条待办`,
          );
        }
      }
    }
    if (this.busy && this.busy.phase !== 'sending') {
      const nowIso = now.toISOString();
      this.busy.total = this.d.store.state
        .get()
        .outbox.filter((r) => r.status === 'pending' && r.runAt <= nowIso).length;
    }
    if (this.d.sheets && shanghaiMinutes(now) >= parseHhmm(this.d.policy.digestTime)) {
      const escalated = await this.d.sheets.escalate(now);
      if (escalated > 0) this.d.log.info(`${date}:${escalated} 份督办通知单未签收或逾期未回复,已告知单位领导`);
    }
    this.phase('sending');
    out.dispatched = await this.d.dispatcher.runOnce(now);
    return out;
  }

  private phase(phase: Phase): void {
    if (this.busy) this.busy.phase = phase;
  }

  /** What runUntilIdle is doing now, if anything: phase, rows sent of the day's total, seconds so far. */
  progress(): { date: string; phase: Phase; done: number; total: number; seconds: number } | undefined {
    const b = this.busy;
    if (!b) return undefined;
    const done = b.phase === 'sending' ? b.base + this.d.dispatcher.progress.done : 0;
    return {
      date: b.date,
      phase: b.phase,
      done,
      total: Math.max(b.total, done),
      seconds: Math.round((performance.now() - b.started) / 100) / 10,
    };
  }

  /**
   * Before the simulated clock jumps to `to`: sends what falls due on the way at its own instant —
   * the clock (and the platform's, through `moveTo`) set to each due time in turn — so a delivery
   * check runs 10 minutes and at 17:00 after its notice, as it would in real time, and sees what
   * people read meanwhile, instead of asking a day later for a result the platform no longer has.
   */
  async catchUpTo(to: Date, moveTo: (at: Date) => Promise<void>, maxSteps = 50): Promise<number> {
    let steps = 0;
    for (; steps < maxSteps; steps += 1) {
      const from = this.d.clock.now().toISOString();
      const toIso = to.toISOString();
      const next = this.d.store.state
        .get()
        .outbox.reduce<string | undefined>(
          (m, r) => (r.status === 'pending' && r.runAt < toIso && (!m || r.runAt < m) ? r.runAt : m),
          undefined,
        );
      if (!next) break;
      const at = new Date(next > from ? next : from);
      if (next > from) await moveTo(at);
      const d = await this.d.dispatcher.runOnce(at);
      if (d.sent + d.retried + d.failed + d.expired === 0 && next <= from) break; // nothing more can move today
    }
    return steps;
  }

  /** Ticks until the outbox has nothing due (bounded): used after the simulated clock moves. */
  async runUntilIdle(now = this.d.clock.now(), maxPasses = 20): Promise<TickResult> {
    const busy = (this.busy = {
      date: shanghaiDate(now),
      phase: 'obligations',
      started: performance.now(),
      base: 0,
      total: 0,
    });
    const handled = (d: TickResult['dispatched']): number => d.sent + d.retried + d.failed;
    try {
      const first = await this.tick(now);
      busy.base += handled(first.dispatched);
      for (let i = 1; i < maxPasses; i += 1) {
        if (handled(first.dispatched) === 0 && i === 1 && !first.planned) break;
        const more = await this.tick(now);
        busy.base += handled(more.dispatched);
        for (const k of ['sent', 'retried', 'failed', 'expired'] as const) first.dispatched[k] += more.dispatched[k];
        if (handled(more.dispatched) === 0) break;
      }
      return first;
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * Whether this instance does the singleton work. The store decides (PostgreSQL: an advisory
   * lock; one process: always). Rows a previous leader left claimed are taken back by the
   * dispatcher's passes (once that leader has ended, or its lease has lapsed).
   */
  private async leading(): Promise<boolean> {
    return this.d.store.lead ? this.d.store.lead() : true;
  }

  /** Catch up, then wake every minute (Asia/Shanghai); the chores run now and then on their period. */
  async start(): Promise<void> {
    for (const chore of this.d.chores ?? []) {
      void this.runChore(chore);
      const timer = setInterval(() => void this.runChore(chore), chore.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
    // the catch-up tick runs in the background: sending a day's digests at 20 QPS takes a while
    this.catchUp = this.tick().then(
      () => undefined,
      (e: unknown) => this.d.log.error(`提醒调度失败:${(e as Error).stack ?? String(e)}`),
    );
    this.task = cron.schedule(
      '* * * * *',
      () =>
        this.tick().then(
          () => undefined,
          (e: unknown) => this.d.log.error(`提醒调度失败:${(e as Error).stack ?? String(e)}`),
        ),
      {
        timezone: 'Asia/Shanghai',
        noOverlap: true,
        missedExecutionTolerance: 50_000,
        name: 'duban-reminders',
      },
    );
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.task?.stop();
    this.task = undefined;
    await this.d.dispatcher.stop();
    await this.catchUp;
  }
}
