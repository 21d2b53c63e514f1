import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { Actor } from '../../../../shared/schemas/ledger.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { Clock } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import { fulfilInDraft } from '../reminders/fulfil.js';
import { openObligations, type OpenObligation } from '../reminders/open-obligations.js';
import { includedTasks, obligationContext, obligationsFor, type Obligation } from '../reminders/obligations.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import type { EvidenceMeta } from './task-timeline.js';

/** Obligations a progress report answers (签收 is not one of them). */
export const REPORT_KINDS: ReadonlySet<string> = new Set(['progress', 'midYear', 'yearEnd', 'prose', 'manual']);

/**
 * The obligations a progress report answers, in the order it answers them: this year's nearest
 * first, then last year's still open (most overdue first). Shared by the mini-app and the bot.
 */
export function reportTargets(open: readonly OpenObligation[], today: string): OpenObligation[] {
  const year = Number(today.slice(0, 4));
  return open.filter((o) => REPORT_KINDS.has(o.obligation.kind)).sort((a, b) => Number(b.obligation.year === year) - Number(a.obligation.year === year) || a.workingDaysLeft - b.workingDaysLeft);
}

/** How long a 签收 can be taken back. The page offers it for 5 s; the server allows a little slack. */
export const UNDO_ACK_MS = 15_000;

export interface ProgressDeps {
  store: Store;
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  clock: Clock;
}

export type Channel = 'miniapp' | 'bot' | 'api';

/** Who acts, for which unit's part in which task. Authorisation is the caller's job. */
export interface ActingFor {
  actor: Actor & { id: string };
  assignment: Assignment;
  channel: Channel;
}

/**
 * What a unit does about its part in a task — 签收 (and its undo), 报送进展, 申请办结, 延期申请 —
 * each recorded in the ledger (actor, unit, channel, before/after) before the state changes.
 */
export class ProgressService {
  constructor(private readonly d: ProgressDeps) {}

  today(): string {
    return shanghaiDate(this.d.clock.now());
  }

  /** What this assignment's unit still owes on this task today, soonest first. */
  open(assignment: Assignment): OpenObligation[] {
    return openObligations(this.d.store.state.get(), this.d.calendar, this.d.policy, [assignment.unitId], this.today()).filter((o) => o.obligation.assignmentId === assignment.id);
  }

  /** What the given units owe today, soonest first. */
  openFor(unitIds: readonly string[]): OpenObligation[] {
    return openObligations(this.d.store.state.get(), this.d.calendar, this.d.policy, unitIds, this.today());
  }

  /** This year's obligations of an assignment (none when the task is outside the reminder policy). */
  yearObligations(assignment: Assignment): Obligation[] {
    const s = this.d.store.state.get();
    const plan = s.plans.find((p) => p.id === assignment.planId);
    const task = plan && includedTasks(s.tasks, plan.id, this.d.policy).find((t) => t.id === assignment.taskId);
    if (!plan || !task || assignment.status !== 'active') return [];
    const ctx = obligationContext(s, plan, this.d.calendar, this.d.policy);
    return obligationsFor(ctx, task, assignment, Number(this.today().slice(0, 4)));
  }

  /** What an obligation is called (第一季度进展, 年中督查报告 …), from its id; undefined if it no longer exists. */
  obligationLabel(obligationId: string): string | undefined {
    const [assignmentId, year] = obligationId.split(':');
    const s = this.d.store.state.get();
    const a = s.assignments.find((x) => x.id === assignmentId);
    const plan = a && s.plans.find((p) => p.id === a.planId);
    const task = a && s.tasks.find((t) => t.id === a.taskId);
    if (!a || !plan || !task) return undefined;
    const ctx = obligationContext(s, plan, this.d.calendar, this.d.policy);
    const o = obligationsFor(ctx, task, a, Number(year)).find((x) => x.id === obligationId);
    return o && `${o.year}年${o.label}`;
  }

  /** The next obligation to open for these units (what the empty 我的任务 page announces). */
  upcoming(unitIds: readonly string[]): Obligation | undefined {
    const s = this.d.store.state.get();
    const today = this.today();
    let best: Obligation | undefined;
    for (const a of s.assignments) {
      if (!unitIds.includes(a.unitId)) continue;
      for (const o of this.yearObligations(a)) if (o.opensOn > today && !s.fulfillments[o.id] && (!best || o.opensOn < best.opensOn)) best = o;
    }
    return best;
  }

  async acknowledge(f: ActingFor): Promise<{ acknowledged: string[]; already: boolean; undoUntil: Date | null }> {
    const acks = this.open(f.assignment).filter((o) => o.obligation.kind === 'acknowledge');
    if (acks.length === 0) return { acknowledged: [], already: true, undoUntil: null };
    const now = this.d.clock.now();
    const inputs = acks.map((o) => ({ obligationId: o.obligation.id, action: 'acknowledge' as const, channel: f.channel, actor: f.actor, at: now, unitId: f.assignment.unitId }));
    // decided inside the transaction: of several identical 签收 at once, one records, the others find it done
    const { result: done } = await this.d.store.transact((draft, tx) => fulfilInDraft(draft, tx, inputs));
    if (done.length === 0) return { acknowledged: [], already: true, undoUntil: null };
    return { acknowledged: done, already: false, undoUntil: new Date(now.getTime() + UNDO_ACK_MS) };
  }

  /** Takes back the person's own 签收 of the last few seconds: the obligation is open again. */
  async undoAcknowledge(f: ActingFor): Promise<{ reopened: string[] }> {
    const now = this.d.clock.now().getTime();
    const prefix = `${f.assignment.id}:`;
    const mine = Object.entries(this.d.store.state.get().fulfillments).filter(
      ([id, x]) => id.startsWith(prefix) && id.split(':')[2] === 'acknowledge' && x.action === 'acknowledge' && x.by === f.actor.id && now - Date.parse(x.at) <= UNDO_ACK_MS,
    );
    if (mine.length === 0) throw new AppError('CONFLICT', 409, '签收已超过可撤销的时间,无法撤销');
    await this.d.store.transact((draft, tx) => {
      for (const [obligationId, x] of mine) {
        if (!draft.fulfillments[obligationId]) continue;
        tx.append({
          type: 'obligation.acknowledgeUndone',
          actor: f.actor,
          subject: { type: 'assignment', id: f.assignment.id },
          channel: f.channel,
          payload: { obligationId, unitId: f.assignment.unitId, taskId: f.assignment.taskId, undoes: x.seq, before: 'acknowledged', after: 'open' },
        });
        delete draft.fulfillments[obligationId];
        // the 待办 completion not sent yet is withdrawn with it
        draft.outbox = draft.outbox.filter((r) => !(r.kind === 'todoComplete' && r.status === 'pending' && String(r.payload.todoKey).startsWith(`${obligationId}|`)));
      }
    });
    return { reopened: mine.map(([id]) => id) };
  }

  /**
   * A progress report: recorded with its evidence, then it fulfils the nearest open report
   * obligation of this assignment (this year's first, then last year's still open). A report with
   * nothing due is still recorded (units report when they have news).
   */
  async report(f: ActingFor, input: { text: string; noChange: boolean; evidence: EvidenceMeta[] }): Promise<{ seq: number; fulfilled: string[] }> {
    const due = reportTargets(this.open(f.assignment), this.today()).slice(0, 1);
    const text = input.noChange ? `本期无变化,沿用上期进展${input.text ? `:${input.text}` : ''}` : input.text;
    const { result: seq } = await this.d.store.transact((draft, tx) => {
      const seq = tx.append({
        type: 'progress.reported',
        actor: f.actor,
        subject: { type: 'assignment', id: f.assignment.id },
        channel: f.channel,
        payload: { taskId: f.assignment.taskId, unitId: f.assignment.unitId, text, noChange: input.noChange, evidence: input.evidence, obligations: due.map((o) => o.obligation.id), before: due.length ? 'open' : 'none due', after: due.length ? 'reported' : 'none due' },
      });
      fulfilInDraft(draft, tx, due.map((o) => ({ obligationId: o.obligation.id, action: 'report' as const, channel: f.channel, actor: f.actor, at: tx.at, note: text, unitId: f.assignment.unitId })));
      return seq;
    });
    return { seq, fulfilled: due.map((o) => o.obligation.id) };
  }

  async requestClosure(f: ActingFor, input: { text: string; evidence: EvidenceMeta[] }): Promise<{ seq: number }> {
    const { events: [e] } = await this.d.store.transact((_, tx) => tx.append({
      type: 'closure.requested',
      actor: f.actor,
      subject: { type: 'assignment', id: f.assignment.id },
      channel: f.channel,
      payload: { taskId: f.assignment.taskId, unitId: f.assignment.unitId, text: input.text, evidence: input.evidence, before: 'in progress', after: 'closure requested' },
    }));
    return { seq: e!.seq };
  }

  async requestExtension(f: ActingFor, input: { until: string; reason: string }): Promise<{ seq: number }> {
    if (input.until <= this.today()) throw new AppError('VALIDATION_FAILED', 400, `延期日期应晚于今天(${this.today()})`);
    const due = this.open(f.assignment).find((o) => o.obligation.kind !== 'acknowledge');
    const { events: [e] } = await this.d.store.transact((_, tx) => tx.append({
      type: 'extension.requested',
      actor: f.actor,
      subject: { type: 'assignment', id: f.assignment.id },
      channel: f.channel,
      payload: { taskId: f.assignment.taskId, unitId: f.assignment.unitId, until: input.until, reason: input.reason, ...(due ? { obligationId: due.obligation.id, before: due.obligation.due } : {}), after: input.until },
    }));
    return { seq: e!.seq };
  }
}
