import { eventOf, payloadOf } from '../../model/ledger-events.js';
import type { Actor } from '../../model/ledger.js';
import type { EvidenceMeta } from '../../../../shared/schemas/request.js';
import type {
  AssessmentLine,
  AssessmentRecord,
  AssessmentView,
  UnitAssessment,
} from '../../../../shared/schemas/assessment.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { Viewer } from '../../auth/viewer.js';
import { AppError } from '../../errors.js';
import { cardToEach, unitPeople } from '../notices/notices.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { obligationsOf, type BookRules } from '../obligations/obligation-book.js';
import { rulesInWords, type AssessmentRules } from './rules.js';
import { computeLines, effective, round2, scoresOf } from './formula.js';
import { applyExemptions } from './exemptions.js';

type S = Readonly<State>;
type Person = Actor & { id: string };

export interface AssessmentDeps {
  store: Store;
  book: BookRules;
  rules: AssessmentRules;
  publicUrl: string;
}

/**
 * The year's 考评: draft (computed, recomputed at will) → published (units notified; appeals for
 * `appealWorkingDays`) → final (nothing changes; a later correction is a recorded adjustment).
 * Every step is a ledger event. The computed lines are the year's history: they live in the
 * `assessment.computed` event, the state keeps the status, the appeals and their effect.
 */
export class Assessments {
  private readonly lines = new Map<number, readonly AssessmentLine[]>();

  constructor(private readonly d: AssessmentDeps) {}

  private record(state: S, year: number): AssessmentRecord | undefined {
    return state.assessments?.[String(year)];
  }

  /** The year's lines as they count now: computed, with accepted appeals and 容错免责 applied and adjustments added. */
  private async linesOf(r: AssessmentRecord): Promise<AssessmentLine[]> {
    let computed = this.lines.get(r.linesSeq);
    if (!computed) {
      for await (const e of this.d.store.ledger.read(r.linesSeq)) {
        if (e.seq === r.linesSeq) computed = payloadOf(e, 'assessment.computed')?.lines;
        break;
      }
      if (!computed) throw new AppError('INTERNAL', `台账中找不到 ${r.year} 年考评的计算记录(序号 ${r.linesSeq})`);
      this.lines.set(r.linesSeq, computed);
    }
    const seen = new Set<string>();
    const out = computed.map((l) => {
      const a = l.obligationId !== undefined && l.points < 0 ? r.appealed[l.obligationId] : undefined;
      if (!a) return l;
      // the item's deductions are replaced by the agreed points (lifted, by default); what it earned stays
      const first = !seen.has(l.obligationId!);
      seen.add(l.obligationId!);
      return { ...l, appealed: { appealId: a.appealId, points: first ? a.points : 0 } };
    });
    // accepted 容错免责 claims, as the state has them now (decided after the lines were computed)
    return [...applyExemptions(this.d.store.state.get(), r.year, out), ...r.adjustments];
  }

  async view(year: number, state: S = this.d.store.state.get()): Promise<AssessmentView> {
    const r = this.record(state, year);
    const appeals = r?.appeals ?? [];
    const lines = r ? await this.linesOf(r) : [];
    const units = new Map(state.units.map((u) => [u.id, u.name]));
    return {
      year,
      status: r?.status ?? 'none',
      ...(r ? { asOf: r.asOf } : {}),
      ...(r?.appealUntil ? { appealUntil: r.appealUntil } : {}),
      rules: rulesInWords(this.d.rules),
      scores: r ? scoresOf(state, this.d.rules, lines) : [],
      pendingAppeals: appeals
        .filter((a) => a.state === 'pending')
        .map((a) => {
          const items = lines.filter((l) => l.obligationId === a.obligationId);
          return {
            id: a.id,
            unitId: a.unitId,
            unitName: units.get(a.unitId) ?? a.unitId,
            obligationId: a.obligationId,
            label: `重点任务${items[0]?.taskNumber ?? ''} ${items[0]?.label ?? a.obligationId}`,
            points: items.reduce((n, l) => n + l.points, 0),
            reason: a.reason,
            createdAt: a.createdAt,
          };
        }),
      appeals: {
        pending: appeals.filter((a) => a.state === 'pending').length,
        accepted: appeals.filter((a) => a.state === 'accepted').length,
        rejected: appeals.filter((a) => a.state === 'rejected').length,
      },
    };
  }

  /** A unit's score with every line behind it. Units read their own (once published); the 督考办 and evaluators read any. */
  async unit(
    v: Viewer,
    year: number,
    unitId: string,
    today: string,
    state: S = this.d.store.state.get(),
  ): Promise<UnitAssessment> {
    const r = this.record(state, year);
    if (!r) throw new AppError('NOT_FOUND', `${year} 年的考评还没有计算`);
    const own = v.unitIds.has(unitId);
    if (!v.readsAll && !own) throw new AppError('FORBIDDEN', '只能查看本单位的考评');
    if (!v.readsAll && r.status === 'draft') throw new AppError('NOT_FOUND', `${year} 年的考评尚未公布`);
    const lines = await this.linesOf(r);
    const score = scoresOf(state, this.d.rules, lines).find((s) => s.unitId === unitId);
    if (!score)
      throw new AppError('NO_ASSESSMENT_ITEMS', `本年度无考评事项:这个单位在 ${year} 年没有到期的事项,不参加排名`);
    const appeals = new Map(r.appeals.filter((a) => a.unitId === unitId).map((a) => [a.obligationId, a]));
    return {
      year,
      status: r.status,
      score,
      base: this.d.rules.base,
      lines: lines
        .filter((l) => l.unitId === unitId)
        .map((l) => ({
          ...l,
          effective: effective(l),
          ...(l.obligationId && appeals.has(l.obligationId) ? { appeal: appeals.get(l.obligationId)! } : {}),
        })),
      ...(r.appealUntil ? { appealUntil: r.appealUntil } : {}),
      canAppeal:
        own &&
        v.person.roles.some((x) => x === 'contact' || x === 'leader') &&
        r.status === 'published' &&
        r.appealUntil !== undefined &&
        today <= r.appealUntil,
    };
  }

  /** The year's points by part (net of its lines) and scores by unit, for the 台账; undefined before it is computed. */
  async scoreMaps(
    year: number,
    state: S = this.d.store.state.get(),
  ): Promise<{ byPart: Map<string, number>; byUnit: Map<string, number> } | undefined> {
    const r = this.record(state, year);
    if (!r) return undefined;
    const lines = await this.linesOf(r);
    const byPart = new Map<string, number>();
    for (const l of lines) byPart.set(l.assignmentId, round2((byPart.get(l.assignmentId) ?? 0) + effective(l)));
    return { byPart, byUnit: new Map(scoresOf(state, this.d.rules, lines).map((s) => [s.unitId, s.score])) };
  }

  /** Computes (or recomputes) the draft of a year from the stored items, as of the year's end or today. */
  async compute(actor: Person, year: number): Promise<AssessmentView> {
    await this.d.store.transact((draft, tx) => {
      const existing = draft.assessments?.[String(year)];
      if (existing && existing.status !== 'draft')
        throw new AppError(
          'CONFLICT',
          `${year} 年的考评已${existing.status === 'final' ? '定稿' : '公布'},不能重新计算`,
        );
      const today = shanghaiDate(tx.at);
      if (Number(today.slice(0, 4)) < year) throw new AppError('VALIDATION_FAILED', `${year} 年还没有开始`);
      const asOf = today < `${year}-12-31` ? today : `${year}-12-31`;
      const lines = computeLines(draft, this.d.book, this.d.rules, year, asOf);
      const seq = tx.append({
        type: 'assessment.computed',
        actor,
        subject: { type: 'assessment', id: String(year) },
        channel: 'miniapp',
        payload: { year, asOf, units: new Set(lines.map((l) => l.unitId)).size, lines },
      });
      (draft.assessments ??= {})[String(year)] = {
        year,
        status: 'draft',
        asOf,
        computedAt: tx.at.toISOString(),
        linesSeq: seq,
        appealed: {},
        adjustments: [],
        appeals: [],
      };
    });
    return this.view(year);
  }

  /** The record and its lines, read before a transaction that needs the scores (it checks they are still the same). */
  private async current(year: number): Promise<{ record: AssessmentRecord; lines: AssessmentLine[] }> {
    const record = this.record(this.d.store.state.get(), year);
    if (!record) throw new AppError('NOT_FOUND', `${year} 年的考评还没有计算`);
    return { record, lines: await this.linesOf(record) };
  }

  private unchanged(draft: State, year: number, seen: AssessmentRecord): AssessmentRecord {
    const r = draft.assessments?.[String(year)];
    if (!r) throw new AppError('NOT_FOUND', `${year} 年的考评还没有计算`);
    if (
      r.linesSeq !== seen.linesSeq ||
      r.appeals.length !== seen.appeals.length ||
      r.adjustments.length !== seen.adjustments.length ||
      r.status !== seen.status
    )
      throw new AppError('CONFLICT', '考评刚被他人更改,请刷新后重试');
    return r;
  }

  /** Publishes the draft: units are told their score, and may appeal for the rules' working days. */
  async publish(actor: Person, year: number): Promise<AssessmentView> {
    const { record, lines } = await this.current(year);
    await this.d.store.transact((draft, tx) => {
      const r = this.unchanged(draft, year, record);
      if (r.status !== 'draft') throw new AppError('CONFLICT', `${year} 年的考评已经公布`);
      const today = shanghaiDate(tx.at);
      // a year is scored when it is over: not before its last item falls due, nor with nothing to score
      let lastDue = '';
      for (const o of obligationsOf(draft, this.d.book, [year])) if (o.due > lastDue) lastDue = o.due;
      if (lastDue && today < lastDue)
        throw new AppError('CONFLICT', `${year} 年还有事项在 ${lastDue} 才到期,到期后再公布考评(草稿可以随时重新计算)`);
      if (scoresOf(draft, this.d.rules, lines).length === 0)
        throw new AppError('CONFLICT', `${year} 年没有可以计分的事项,不公布考评`);
      const until = this.d.book.calendar.addWorkingDays(today, this.d.rules.appealWorkingDays);
      tx.append({
        type: 'assessment.published',
        actor,
        subject: { type: 'assessment', id: String(year) },
        channel: 'miniapp',
        payload: { year, appealUntil: until },
      });
      Object.assign(r, { status: 'published', publishedAt: tx.at.toISOString(), appealUntil: until });
      const scores = scoresOf(draft, this.d.rules, lines);
      for (const s of scores) {
        const title = `${year}年度考评结果 · ${s.unitName}`;
        cardToEach(
          draft,
          unitPeople(draft, [s.unitId]),
          {
            key: (p) => `assessment:${year}:${p.id}:${s.unitId}`,
            kind: 'decision',
            title,
            markdown: (p) =>
              `### ${title}\n${p.name},${s.unitName} ${year} 年度考评得分 **${s.score}** 分(${s.tied ? '并列' : ''}第 ${s.rank} 名,共 ${scores.length} 个单位)。\n\n每一分的来由可在督办通中查看;如有异议,请于 ${cnDate(until, today)} 前对具体事项提出申诉。`,
            button: {
              title: '查看得分明细',
              url: `${this.d.publicUrl}/app/#/assessment/${year}/${encodeURIComponent(s.unitId)}`,
            },
            tasks: [],
            date: today,
          },
          tx.at,
        );
      }
    });
    return this.view(year);
  }

  /** A unit appeals one item (at most once), with its reasons, within the window. */
  async appeal(
    v: Viewer,
    year: number,
    input: { obligationId: string; reason: string; evidence?: EvidenceMeta[] | undefined },
  ): Promise<UnitAssessment> {
    const { record, lines } = await this.current(year);
    let unitId = '';
    let today = '';
    await this.d.store.transact((draft, tx) => {
      const r = this.unchanged(draft, year, record);
      if (r.status !== 'published') throw new AppError('CONFLICT', `${year} 年的考评不在申诉期`);
      today = shanghaiDate(tx.at);
      if (!r.appealUntil || today > r.appealUntil)
        throw new AppError('CONFLICT', `申诉期已于 ${r.appealUntil ?? ''} 结束`);
      const line = lines.find((l) => l.obligationId === input.obligationId);
      if (!line) throw new AppError('NOT_FOUND', '考评中没有这个事项');
      if (!v.unitIds.has(line.unitId) || !v.person.roles.some((x) => x === 'contact' || x === 'leader'))
        throw new AppError('FORBIDDEN', '只能对本单位的事项申诉');
      if (r.appeals.some((a) => a.obligationId === input.obligationId))
        throw new AppError('CONFLICT', '这个事项已经申诉过,每个事项只能申诉一次');
      const seq = tx.append({
        type: 'appeal.filed',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'assessment', id: String(year) },
        channel: 'miniapp',
        payload: {
          year,
          unitId: line.unitId,
          taskId: line.taskId,
          obligationId: input.obligationId,
          reason: input.reason,
          evidence: input.evidence ?? [],
        },
      });
      r.appeals.push({
        id: `A${seq}`,
        unitId: line.unitId,
        obligationId: input.obligationId,
        reason: input.reason,
        evidence: input.evidence ?? [],
        by: v.person.id,
        createdAt: tx.at.toISOString(),
        state: 'pending',
      });
      unitId = line.unitId;
    });
    return this.unit(v, year, unitId, today);
  }

  /** The 督考办 accepts an appeal (the item's deductions count `points` instead, default 0) or rejects it with a reason. */
  async decideAppeal(
    actor: Person,
    year: number,
    appealId: string,
    accept: boolean,
    input: { comment?: string | undefined; points?: number | undefined },
  ): Promise<AssessmentView> {
    await this.d.store.transact((draft, tx) => {
      const r = draft.assessments?.[String(year)];
      const a = r?.appeals.find((x) => x.id === appealId);
      if (!r || !a) throw new AppError('NOT_FOUND', `没有编号为 ${appealId} 的申诉`);
      if (r.status === 'final') throw new AppError('CONFLICT', `${year} 年的考评已定稿`);
      if (a.state !== 'pending') throw new AppError('CONFLICT', '这份申诉已经处理');
      const comment = input.comment?.trim() ?? '';
      if (!accept && !comment) throw new AppError('COMMENT_REQUIRED', '驳回申诉时请写明理由');
      tx.append(
        eventOf(
          accept ? 'appeal.accepted' : 'appeal.rejected',
          { actor, subject: { type: 'assessment', id: String(year) }, channel: 'miniapp' },
          {
            year,
            appealId,
            unitId: a.unitId,
            obligationId: a.obligationId,
            ...(comment ? { comment } : {}),
            ...(accept ? { points: input.points ?? 0 } : {}),
          },
        ),
      );
      Object.assign(a, {
        state: accept ? 'accepted' : 'rejected',
        decidedBy: actor.id,
        decidedAt: tx.at.toISOString(),
        ...(comment ? { comment } : {}),
      });
      if (accept) r.appealed[a.obligationId] = { appealId, points: input.points ?? 0 };
    });
    return this.view(year);
  }

  /** Ends the year: no appeal pending, the window over; nothing of it changes afterwards but by a recorded adjustment. */
  async finalize(actor: Person, year: number): Promise<AssessmentView> {
    const { record, lines } = await this.current(year);
    await this.d.store.transact((draft, tx) => {
      const r = this.unchanged(draft, year, record);
      if (r.status !== 'published') throw new AppError('CONFLICT', `${year} 年的考评须先公布`);
      const today = shanghaiDate(tx.at);
      if (r.appealUntil && today <= r.appealUntil)
        throw new AppError('CONFLICT', `申诉期到 ${r.appealUntil} 结束,之后才能定稿`);
      const pending = r.appeals.filter((a) => a.state === 'pending').length;
      if (pending) throw new AppError('CONFLICT', `还有 ${pending} 份申诉未处理`);
      const scores = scoresOf(draft, this.d.rules, lines);
      tx.append({
        type: 'assessment.finalized',
        actor,
        subject: { type: 'assessment', id: String(year) },
        channel: 'miniapp',
        payload: { year, scores: scores.map((s) => ({ unitId: s.unitId, score: s.score, rank: s.rank })) },
      });
      Object.assign(r, { status: 'final', finalAt: tx.at.toISOString() });
    });
    return this.view(year);
  }

  /** A correction after the year is final: a new line, recorded with its reason. */
  async adjust(
    actor: Person,
    year: number,
    input: { unitId: string; points: number; reason: string },
  ): Promise<AssessmentView> {
    const { lines } = await this.current(year);
    await this.d.store.transact((draft, tx) => {
      const r = draft.assessments?.[String(year)];
      if (!r || r.status !== 'final') throw new AppError('CONFLICT', '定稿后的更正才用调整;定稿前请重新计算或处理申诉');
      const any = lines.find((l) => l.unitId === input.unitId);
      if (!any) throw new AppError('NOT_FOUND', '这个单位在该年度没有考评事项');
      const seq = tx.append({
        type: 'assessment.adjusted',
        actor,
        subject: { type: 'assessment', id: String(year) },
        channel: 'miniapp',
        payload: { year, unitId: input.unitId, points: input.points, reason: input.reason },
      });
      r.adjustments.push({
        unitId: input.unitId,
        assignmentId: any.assignmentId,
        taskId: any.taskId,
        taskNumber: 0,
        label: `更正:${input.reason}`,
        rule: 'adjustment',
        weight: 'lead',
        points: input.points,
        seq,
      });
    });
    return this.view(year);
  }
}
