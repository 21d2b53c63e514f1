import { own } from '../../model/own.js';
import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { EvidenceMeta, RequestKind, RequestRecord } from '../../../../shared/schemas/request.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { Clock } from '../../model/runtime.js';
import { AppError } from '../../errors.js';
import type { Store, Tx } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { original } from 'immer';
import { liveYears, materialiseInDraft, missingYears, obligationsOf } from '../obligations/obligation-book.js';
import { fulfilInDraft, reopenInDraft } from '../obligations/fulfil.js';
import { openObligations, type OpenObligation } from '../obligations/open-obligations.js';
import { importedAtOf, planYears } from '../obligations/obligation-rules.js';
import type { ReminderPolicy } from '../policy/policy.js';
import type { ActingFor } from './acting.js';
import { askLeadersInDraft } from '../review/leader-step.js';
import { isRectification } from '../supervision/bulletins.js';
import { pickExtensionTarget, pickReportTarget } from '../../../../shared/report-target.js';

export type { ActingFor } from './acting.js';

/** Obligations a progress report answers (签收 is not one of them). */
export const REPORT_KINDS: ReadonlySet<string> = new Set(['progress', 'midYear', 'yearEnd', 'prose', 'manual']);

/** How long a 签收 can be taken back. The page offers it for 5 s; the server allows a little slack. */
export const UNDO_ACK_MS = 15_000;

export interface ProgressDeps {
  store: Store;
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  clock: Clock;
  /** Links in the notices it sends (the unit's leader, when the policy has them confirm first). */
  publicUrl?: string;
}

/** The bot message behind an action, recorded with its events. */
const ref = (f: ActingFor): { msgId?: string } => (f.msgId ? { msgId: f.msgId } : {});

/** The 签收 of an assignment's open acknowledge items, as `f` acts. */
const signing = (f: ActingFor, acks: ReturnType<typeof openObligations>, at: Date) =>
  acks.map((o) => ({
    obligationId: o.obligation.id,
    action: 'acknowledge' as const,
    channel: f.channel,
    actor: f.actor,
    at,
    unitId: f.assignment.unitId,
    ...ref(f),
  }));

const REQUEST_NAME: Record<RequestKind, string> = { closure: '办结申请', extension: '延期申请', report: '进展报告' };

/** A 办结 or 延期 request (what a unit files and may withdraw). */
export type UnitRequest = RequestRecord & { kind: 'closure' | 'extension' };
const isUnitRequest = (r: RequestRecord): r is UnitRequest => r.kind !== 'report';

import { itemName } from './item-name.js';
import { findObligation, obligationsOfAssignment } from '../obligations/obligation-table.js';

export { itemName };

/**
 * What a unit does about its part in a task — 签收 (and its undo), 报送进展, 申请办结, 延期申请,
 * 撤回申请 — for the mini-app and the bot alike. Every action is one store transaction: it decides
 * on the newest state (so two identical actions at once record once), appends its events and
 * changes the stored obligations and requests together. Authorisation is the caller's (acting.ts).
 */
export class ProgressService {
  constructor(private readonly d: ProgressDeps) {}

  today(): string {
    return shanghaiDate(this.d.clock.now());
  }

  private year(): number {
    return Number(this.today().slice(0, 4));
  }

  /** What this assignment's unit still owes on this task today, soonest first. */
  open(assignment: Assignment): OpenObligation[] {
    return openObligations(
      this.d.store.state.get(),
      this.d.calendar,
      this.d.policy,
      [assignment.unitId],
      this.today(),
    ).filter((o) => o.obligation.assignmentId === assignment.id);
  }

  /** What the given units owe today, soonest first. */
  openFor(unitIds: readonly string[]): OpenObligation[] {
    return openObligations(this.d.store.state.get(), this.d.calendar, this.d.policy, unitIds, this.today());
  }

  /** This year's stored obligations of an assignment, by due date. */
  yearObligations(assignment: Assignment): ObligationRecord[] {
    const year = this.year();
    if (assignment.status !== 'active') return [];
    return obligationsOf(this.d.store.state.get(), this.d, [year])
      .filter((o) => o.assignmentId === assignment.id)
      .sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1));
  }

  /** What an obligation is called (2019年第一季度进展 …); undefined once it has left the state. */
  obligationLabel(obligationId: string): string | undefined {
    const o = findObligation(this.d.store.state.get(), obligationId);
    return o && `${o.year}年${o.label}`;
  }

  /** The next obligation to open for these units (what the empty 我的任务 page announces). */
  upcoming(unitIds: readonly string[]): ObligationRecord | undefined {
    const s = this.d.store.state.get();
    const today = this.today();
    const year = this.year();
    const units = new Set(unitIds);
    let best: ObligationRecord | undefined;
    for (const o of obligationsOf(s, this.d, [year])) {
      if (!units.has(o.unitId) || o.status !== 'open' || o.opensOn <= today) continue;
      if (!best || o.opensOn < best.opensOn) best = o;
    }
    return best;
  }

  /**
   * What a report on this assignment can answer (what one may choose): this year's open report
   * items by due date, then last year's still open, then this year's whose reminder has not opened
   * yet. Which one a report answers unchosen is `pickReportTarget`'s rule (shared/report-target.ts).
   */
  reportTargets(assignment: Assignment, state: Readonly<State> = this.d.store.state.get()): ObligationRecord[] {
    const today = this.today();
    const year = this.year();
    const rank = (o: ObligationRecord): number => (o.year !== year ? 1 : o.opensOn > today ? 2 : 0);
    return openObligations(state, this.d.calendar, this.d.policy, [assignment.unitId], today, {
      includeNotYetOpen: true,
      assignmentId: assignment.id,
    })
      .map((o) => o.obligation)
      .filter((o) => REPORT_KINDS.has(o.kind))
      .sort((a, b) => rank(a) - rank(b) || (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1));
  }

  /** Items a 延期 can extend: open items other than 签收 (this year's, and last year's overdue). */
  extendable(assignment: Assignment, state: Readonly<State> = this.d.store.state.get()): ObligationRecord[] {
    return openObligations(state, this.d.calendar, this.d.policy, [assignment.unitId], this.today(), {
      includeNotYetOpen: true,
      assignmentId: assignment.id,
    })
      .map((o) => o.obligation)
      .filter((o) => o.kind !== 'acknowledge');
  }

  /** The latest date a 延期 may ask for (policy: the end of the plan's last year, or a set date). */
  latestExtension(assignment: Assignment): string {
    const set = this.d.policy.requests.latestExtension;
    if (set !== 'planEnd') return set;
    const plan = this.d.store.state.get().plans.find((p) => p.id === assignment.planId);
    return `${plan ? planYears(plan, importedAtOf(this.d.store.state.get(), plan.id)).to : this.year()}-12-31`;
  }

  /** This unit's pending 办结/延期 requests on its assignment (reports under review are not requests it can withdraw). */
  pendingRequests(assignment: Assignment, state: Readonly<State> = this.d.store.state.get()): UnitRequest[] {
    return Object.values(state.requests)
      .filter(isUnitRequest)
      .filter((r) => r.assignmentId === assignment.id && (r.state === 'pending' || r.state === 'leaderPending'));
  }

  /** Where what a unit submits goes first: its 分管领导 (the policy's two steps), else the 督考办. */
  private firstStep(): 'leaderPending' | 'pending' {
    return this.d.policy.review.leaderFirst ? 'leaderPending' : 'pending';
  }

  /** With two steps, the unit's leaders hear at once that something waits for their confirmation. */
  private askLeadersInDraft(draft: State, r: RequestRecord): void {
    if (r.state === 'leaderPending' && this.d.publicUrl) askLeadersInDraft(draft, r, this.d.publicUrl);
  }

  /** A report on an item the policy has reviewed waits for the 督考办 (a record `R${reportSeq}`). */
  private reviewReportInDraft(
    draft: State,
    f: ActingFor,
    reportSeq: number,
    target: ObligationRecord,
    text: string,
    evidence: EvidenceMeta[],
    at: Date,
  ): void {
    // reviewed: the kinds the policy names, and a 通报批评's 整改报告 (approved before the 整改 is closed)
    if (!this.d.policy.review.reports.includes(target.kind) && !isRectification(draft, target)) return;
    draft.requests[`R${reportSeq}`] = {
      id: `R${reportSeq}`,
      kind: 'report',
      state: this.firstStep(),
      planId: f.assignment.planId,
      assignmentId: f.assignment.id,
      taskId: f.assignment.taskId,
      unitId: f.assignment.unitId,
      obligationIds: [target.id],
      text,
      evidence,
      requester: { id: f.actor.id, ...(f.actor.name ? { name: f.actor.name } : {}) },
      channel: f.channel,
      late: target.due < shanghaiDate(at),
      createdAt: at.toISOString(),
      seq: reportSeq,
    };
    this.askLeadersInDraft(draft, draft.requests[`R${reportSeq}`]!);
  }

  /**
   * The live years are stored before a unit acts (a new year may not have been ticked yet). Called
   * first in a transaction; returns the state to read the rest of the decision from: the state the
   * transaction began on when nothing was missing (the usual case: no obligation is recomputed, and
   * reads go to plain objects, not through the draft's proxies), else the draft.
   */
  private materialise(draft: State, tx: Tx): Readonly<State> {
    const years = liveYears(this.today());
    const base = original(draft);
    if (base && missingYears(base, this.d, years).length === 0) return base;
    materialiseInDraft(draft, tx, this.d, years);
    return draft;
  }

  async acknowledge(f: ActingFor): Promise<{ acknowledged: string[]; already: boolean; undoUntil: Date | null }> {
    const now = this.d.clock.now();
    // decided inside the transaction: of several identical 签收 at once, one records, the others find it done
    const { result: done } = await this.d.store.transact((draft, tx) => {
      const view = this.materialise(draft, tx);
      const acks = openObligations(view, this.d.calendar, this.d.policy, [f.assignment.unitId], this.today(), {
        assignmentId: f.assignment.id,
      }).filter((o) => o.obligation.kind === 'acknowledge');
      return fulfilInDraft(draft, tx, signing(f, acks, now));
    });
    if (done.length === 0) return { acknowledged: [], already: true, undoUntil: null };
    return { acknowledged: done, already: false, undoUntil: new Date(now.getTime() + UNDO_ACK_MS) };
  }

  /**
   * Several tasks' 签收 at once (全部收到, 签收全部): ONE transaction, so a unit with twenty new tasks
   * waits for one write, not twenty; each assignment's open 签收 decided inside it, as `acknowledge` does.
   * Returns the assignments whose 签收 this recorded (the others had none open).
   */
  async acknowledgeMany(fs: readonly ActingFor[]): Promise<{ acknowledged: string[]; assignmentIds: string[] }> {
    if (fs.length === 0) return { acknowledged: [], assignmentIds: [] };
    const now = this.d.clock.now();
    const { result } = await this.d.store.transact((draft, tx) => {
      const view = this.materialise(draft, tx);
      const units = [...new Set(fs.map((f) => f.assignment.unitId))];
      const byAssignment = new Map<string, ReturnType<typeof openObligations>>();
      for (const o of openObligations(view, this.d.calendar, this.d.policy, units, this.today())) {
        if (o.obligation.kind !== 'acknowledge') continue;
        const list = byAssignment.get(o.obligation.assignmentId);
        if (list) list.push(o);
        else byAssignment.set(o.obligation.assignmentId, [o]);
      }
      const acknowledged: string[] = [];
      const assignmentIds: string[] = [];
      for (const f of fs) {
        const acks = byAssignment.get(f.assignment.id) ?? [];
        byAssignment.delete(f.assignment.id); // an assignment named twice is signed once
        const done = fulfilInDraft(draft, tx, signing(f, acks, now));
        if (done.length > 0) assignmentIds.push(f.assignment.id);
        acknowledged.push(...done);
      }
      return { acknowledged, assignmentIds };
    });
    return result;
  }

  /** Takes back the person's own 签收 of the last few seconds: the obligation is open again. */
  async undoAcknowledge(f: ActingFor): Promise<{ reopened: string[] }> {
    const now = this.d.clock.now().getTime();
    const { result: reopened } = await this.d.store.transact((draft, tx) => {
      const mine = obligationsOfAssignment(draft, f.assignment.id).filter(
        (o) =>
          o.kind === 'acknowledge' &&
          o.status === 'fulfilled' &&
          o.action === 'acknowledge' &&
          o.by === f.actor.id &&
          o.doneAt &&
          now - Date.parse(o.doneAt) <= UNDO_ACK_MS,
      );
      if (mine.length === 0) throw new AppError('CONFLICT', '签收已超过可撤销的时间,无法撤销');
      for (const o of mine) {
        const seq = tx.append({
          type: 'obligation.acknowledgeUndone',
          actor: f.actor,
          subject: { type: 'assignment', id: f.assignment.id },
          channel: f.channel,
          payload: {
            ...ref(f),
            obligationId: o.id,
            unitId: f.assignment.unitId,
            taskId: f.assignment.taskId,
            undoes: o.seq,
            before: 'acknowledged',
            after: 'open',
          },
        });
        reopenInDraft(draft, o, seq);
      }
      return mine.map((o) => o.id);
    });
    return { reopened };
  }

  /**
   * A progress report, with its evidence, answering one item: the one named (it must be an open
   * report item of this assignment, opened or not yet), else the nearest. A report with nothing to
   * answer is still recorded (units report when they have news). `无变化` needs an earlier report.
   */
  async report(
    f: ActingFor,
    /** `obligationId`: the item chosen; `null` — chosen to answer none (a free 进展); absent — the shared rule decides. */
    input: { text: string; noChange: boolean; evidence: EvidenceMeta[]; obligationId?: string | null | undefined },
  ): Promise<{ seq: number; fulfilled: string[]; answered: { obligationId: string; label: string } | null }> {
    const year = this.year();
    const { result } = await this.d.store.transact((draft, tx) => {
      const view = this.materialise(draft, tx);
      const last = view.lastReports[f.assignment.id];
      if (input.noChange && !last)
        throw new AppError('NO_EARLIER_REPORT', '这项任务还没有报送过进展,不能报"无变化":请写明本期进展');
      const targets = this.reportTargets(f.assignment, view);
      let target: ObligationRecord | undefined =
        input.obligationId === undefined ? pickReportTarget(targets, input.text, this.today()) : undefined;
      if (typeof input.obligationId === 'string') {
        target = targets.find((o) => o.id === input.obligationId);
        if (!target) throw new AppError('OBLIGATION_NOT_OPEN', '所选事项已完成或不属于这项分工,请重新选择要报送的事项');
      }
      const text = input.noChange ? `本期无变化,沿用上期进展${input.text ? `:${input.text}` : ''}` : input.text;
      const seq = tx.append({
        type: 'progress.reported',
        actor: f.actor,
        subject: { type: 'assignment', id: f.assignment.id },
        channel: f.channel,
        payload: {
          ...ref(f),
          taskId: f.assignment.taskId,
          unitId: f.assignment.unitId,
          text,
          noChange: input.noChange,
          evidence: input.evidence,
          obligations: target ? [target.id] : [],
          before: target ? 'open' : 'none due',
          after: target ? 'reported' : 'none due',
        },
      });
      draft.lastReports[f.assignment.id] = {
        seq,
        at: tx.at.toISOString(),
        text,
        ...(target ? { obligationId: target.id } : {}),
      };
      const fulfilled = target
        ? fulfilInDraft(draft, tx, [
            {
              obligationId: target.id,
              action: 'report',
              channel: f.channel,
              actor: f.actor,
              at: tx.at,
              note: text,
              unitId: f.assignment.unitId,
              ...ref(f),
            },
          ])
        : [];
      if (target) this.reviewReportInDraft(draft, f, seq, target, text, input.evidence, tx.at);
      return { seq, fulfilled, answered: target ? { obligationId: target.id, label: itemName(target, year) } : null };
    });
    return result;
  }

  /**
   * Files the unit's last report against another open item instead (the bot answered the nearest
   * and offers the others): the item it fulfilled opens again, the chosen one is fulfilled.
   */
  async refile(
    f: ActingFor,
    reportSeq: number,
    obligationId: string,
  ): Promise<{ from: string | null; answered: { obligationId: string; label: string } }> {
    const year = this.year();
    const { result } = await this.d.store.transact((draft, tx) => {
      const last = draft.lastReports[f.assignment.id];
      if (!last || last.seq !== reportSeq) throw new AppError('CONFLICT', '只能改报最近一次报送的进展');
      const from = last.obligationId ? findObligation(draft, last.obligationId) : undefined;
      const seq = tx.append({
        type: 'progress.refiled',
        actor: f.actor,
        subject: { type: 'assignment', id: f.assignment.id },
        channel: f.channel,
        payload: {
          ...ref(f),
          taskId: f.assignment.taskId,
          unitId: f.assignment.unitId,
          reportSeq,
          from: from?.id ?? null,
          to: obligationId,
        },
      });
      if (from && from.status === 'fulfilled' && from.action === 'report' && from.by === f.actor.id) {
        reopenInDraft(draft, from, seq);
      }
      const target = this.reportTargets(f.assignment, draft).find((o) => o.id === obligationId);
      if (!target) throw new AppError('OBLIGATION_NOT_OPEN', '所选事项已完成或不属于这项分工,请重新选择要报送的事项');
      fulfilInDraft(draft, tx, [
        {
          obligationId: target.id,
          action: 'report',
          channel: f.channel,
          actor: f.actor,
          at: tx.at,
          note: last.text,
          unitId: f.assignment.unitId,
          ...ref(f),
        },
      ]);
      last.obligationId = target.id;
      // the review follows the report: waiting on the new item if that one is reviewed, else gone
      const review = draft.requests[`R${reportSeq}`];
      const evidence = review?.evidence ?? [];
      if (review?.state === 'pending' || review?.state === 'leaderPending') delete draft.requests[review.id];
      this.reviewReportInDraft(draft, f, reportSeq, target, last.text, evidence, tx.at);
      return { from: from?.id ?? null, answered: { obligationId: target.id, label: itemName(target, year) } };
    });
    return result;
  }

  async requestClosure(f: ActingFor, input: { text: string; evidence: EvidenceMeta[] }): Promise<RequestRecord> {
    return this.fileRequest(f, 'closure', (draft) => {
      const items = this.extendable(f.assignment, draft);
      return {
        obligations: items,
        text: input.text,
        evidence: input.evidence,
        late: items.some((o) => o.due < this.today()),
      };
    });
  }

  /**
   * A 延期 names the item it extends (the nearest open one when it does not say); the date must lie
   * after that item's current due date and after today, and not after the latest date allowed.
   */
  async requestExtension(
    f: ActingFor,
    input: { until: string; reason: string; obligationId?: string },
  ): Promise<RequestRecord> {
    const today = this.today();
    const latest = this.latestExtension(f.assignment);
    return this.fileRequest(f, 'extension', (draft) => {
      const items = this.extendable(f.assignment, draft);
      const item =
        input.obligationId === undefined ? pickExtensionTarget(items) : items.find((o) => o.id === input.obligationId);
      if (!item && input.obligationId === undefined && items.length > 1)
        throw new AppError(
          'WHICH_ITEM',
          `这项分工有 ${items.length} 个可以延期的事项,请选择要延期的一项:${items
            .slice(0, 6)
            .map((o) => itemName(o, this.year()))
            .join('、')}`,
          { details: items.slice(0, 6).map((o) => ({ path: o.id, message: itemName(o, this.year()) })) },
        );
      if (!item)
        throw new AppError(
          input.obligationId === undefined ? 'NOTHING_TO_EXTEND' : 'OBLIGATION_NOT_OPEN',
          input.obligationId === undefined
            ? '这项分工目前没有可以延期的事项'
            : '所选事项已完成或不属于这项分工,请重新选择要延期的事项',
        );
      if (input.until <= today) throw new AppError('EXTENSION_DATE_INVALID', `延期日期应晚于今天(${today})`);
      if (input.until <= item.due)
        throw new AppError(
          'EXTENSION_DATE_INVALID',
          `延期日期应晚于"${itemName(item, this.year())}"现在的截止日期(${item.due})`,
        );
      if (input.until > latest)
        throw new AppError('EXTENSION_DATE_INVALID', `延期日期不能晚于 ${latest}(实施方案的期限)`);
      return {
        obligations: [item],
        text: input.reason,
        evidence: [],
        until: input.until,
        previousDue: item.due,
        late: item.due < today,
      };
    });
  }

  private async fileRequest(
    f: ActingFor,
    kind: RequestKind,
    shape: (state: Readonly<State>) => {
      obligations: ObligationRecord[];
      text: string;
      evidence: EvidenceMeta[];
      until?: string;
      previousDue?: string;
      late: boolean;
    },
  ): Promise<RequestRecord> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const view = this.materialise(draft, tx);
      const pending = this.pendingRequests(f.assignment, view);
      const same = pending.find((r) => r.kind === kind);
      if (same)
        throw new AppError(
          'REQUEST_PENDING',
          `已有一份${REQUEST_NAME[kind]}在等督考办审核(${same.createdAt.slice(0, 10)} 提交),请等审核结果,或先撤回它`,
        );
      const other = pending[0];
      if (other)
        throw new AppError(
          'REQUEST_PENDING',
          `已有一份${REQUEST_NAME[other.kind]}在等督考办审核:办结与延期不能同时申请,请先撤回那一份`,
        );
      const s = shape(view);
      const year = this.year();
      const items = s.obligations.map((o) => ({ obligationId: o.id, label: itemName(o, year), due: o.due }));
      const seq = tx.append({
        type: kind === 'closure' ? 'closure.requested' : 'extension.requested',
        actor: f.actor,
        subject: { type: 'assignment', id: f.assignment.id },
        channel: f.channel,
        payload: {
          ...ref(f),
          taskId: f.assignment.taskId,
          unitId: f.assignment.unitId,
          text: s.text,
          evidence: s.evidence,
          obligations: items,
          late: s.late,
          ...(s.until ? { until: s.until, previousDue: s.previousDue } : {}),
          before: 'none',
          after: this.firstStep(),
        },
      });
      const record: RequestRecord = {
        id: `R${seq}`,
        kind,
        state: this.firstStep(),
        planId: f.assignment.planId,
        assignmentId: f.assignment.id,
        taskId: f.assignment.taskId,
        unitId: f.assignment.unitId,
        obligationIds: s.obligations.map((o) => o.id),
        ...(s.until ? { until: s.until, previousDue: s.previousDue! } : {}),
        text: s.text,
        evidence: s.evidence,
        requester: { id: f.actor.id, ...(f.actor.name ? { name: f.actor.name } : {}) },
        channel: f.channel,
        late: s.late,
        createdAt: tx.at.toISOString(),
        seq,
      };
      draft.requests[record.id] = record;
      this.askLeadersInDraft(draft, record);
      return record;
    });
    return result;
  }

  /** A unit takes back its own pending request. */
  async withdraw(f: ActingFor, requestId: string): Promise<RequestRecord> {
    await this.d.store.transact((draft, tx) => {
      const r = own(draft.requests, requestId);
      if (!r || r.assignmentId !== f.assignment.id || r.kind === 'report')
        throw new AppError('REQUEST_NOT_FOUND', '没有这份申请,或它不属于您的单位');
      if (r.state !== 'pending' && r.state !== 'leaderPending')
        throw new AppError('REQUEST_NOT_PENDING', `这份申请已${r.state === 'withdrawn' ? '撤回' : '审核'},不能再撤回`);
      tx.append({
        type: 'request.withdrawn',
        actor: f.actor,
        subject: { type: 'request', id: r.id },
        channel: f.channel,
        payload: {
          ...ref(f),
          requestId: r.id,
          kind: r.kind,
          taskId: r.taskId,
          unitId: r.unitId,
          before: r.state,
          after: 'withdrawn',
        },
      });
      r.state = 'withdrawn';
      r.changedAt = tx.at.toISOString();
      r.changedBy = f.actor.id;
    });
    return this.d.store.state.get().requests[requestId]!;
  }

  /** Evidence sent afterwards (the bot) joins what it belongs to: a report's files or a request's. */
  attachToRequestInDraft(draft: State, requestId: string, files: readonly EvidenceMeta[]): void {
    const r = own(draft.requests, requestId);
    if (r) r.evidence = [...r.evidence, ...files].slice(-20);
  }
}
