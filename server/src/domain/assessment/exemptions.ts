import { current, isDraft } from 'immer';
import { ASSESSMENT_RULE_NAME, type AssessmentLine } from '../../../../shared/schemas/assessment.js';
import {
  EXEMPTION_STATE_NAMES,
  type Exemption,
  type ExemptionBody,
  type ExemptionDecisionBody,
  type ExemptionTarget,
} from '../../../../shared/schemas/exemption.js';
import type { EvidenceMeta } from '../../../../shared/schemas/request.js';
import { taskLabel } from '../../../../shared/task-label.js';
import type { Viewer } from '../../auth/viewer.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../model/ledger.js';
import type { State } from '../../model/state.js';
import type { Store } from '../../store/ports.js';
import { cardToEach, unitPeople } from '../notices/notices.js';
import type { BookRules } from '../obligations/obligation-book.js';
import { findObligation } from '../obligations/obligation-table.js';
import { computeLines, round2 } from './formula.js';
import type { AssessmentRules } from './rules.js';

type S = Readonly<State>;
type Person = Actor & { id: string; name?: string };

const BULLETIN_NAME = { praise: '通报表扬', criticism: '通报批评', interview: '约谈' } as const;
const short = (t: string, n = 40) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);
const link = (publicUrl: string) => `${publicUrl}/app/#/exemptions`;

/** The lines an accepted claim changes: a 通报批评's line for the unit, or the item's deductions. */
function touches(e: Pick<Exemption, 'target' | 'unitId'>, l: AssessmentLine, bulletinSeq?: number): boolean {
  if (l.unitId !== e.unitId || l.points >= 0) return false;
  return e.target.kind === 'bulletin'
    ? l.rule === 'criticism' && l.seq === bulletinSeq
    : l.obligationId === e.target.obligationId && l.rule !== 'adjustment';
}

/**
 * The accepted 容错免责 claims of a year applied to its lines: each deduction they cover counts only
 * the share the decision kept, traced to the claim (`exempted`). Pure: the same state, the same lines.
 */
export function applyExemptions(state: S, year: number, lines: readonly AssessmentLine[]): AssessmentLine[] {
  const accepted = Object.values(state.exemptions ?? {}).filter((e) => e.year === year && e.state === 'accepted');
  if (accepted.length === 0) return [...lines];
  return lines.map((l) => {
    const e = accepted.find((x) =>
      touches(x, l, x.target.kind === 'bulletin' ? state.bulletins?.[x.target.bulletinId]?.seq : undefined),
    );
    return e
      ? { ...l, exempted: { exemptionId: e.id, points: round2(l.points * (e.decision?.keep ?? 0)), ground: e.ground } }
      : l;
  });
}

/**
 * 容错免责: a unit claims it against a 通报批评 or 约谈 it received, or a 考评 deduction on its item,
 * on a ground the rules list; the 督考办 decides (with a district leader's confirmation where the
 * rules ask for it). Accepted, the deduction counts only the share kept (`applyExemptions`, read by
 * 考评); decided, the claim is a case of the 案例库 (`list` with scope `cases`).
 */
export class Exemptions {
  constructor(private readonly d: { store: Store; book: BookRules; rules: AssessmentRules; publicUrl: string }) {}

  get grounds(): readonly string[] {
    return this.d.rules.exemption.grounds;
  }

  get leaderStep(): boolean {
    return this.d.rules.exemption.leaderStep;
  }

  /** What the claim is about: its unit, year, words, the deduction it carries now and the records it cites. */
  private resolve(
    state: S,
    v: Viewer,
    target: ExemptionTarget,
    today: string,
  ): { unitId: string; year: number; about: string; points: number; refs: number[] } {
    if (target.kind === 'bulletin') {
      const b = state.bulletins?.[target.bulletinId];
      const unitId = b?.unitIds.find((u) => v.unitIds.has(u));
      if (!b || !unitId) throw new AppError('NOT_FOUND', `没有找到通报 ${target.bulletinId}(或未涉及您的单位)`);
      if (b.kind === 'praise') throw new AppError('VALIDATION_FAILED', '通报表扬无需申请容错免责');
      const line = this.linesOf(state, b.year, today).find(
        (l) => l.unitId === unitId && l.rule === 'criticism' && l.seq === b.seq,
      );
      return {
        unitId,
        year: b.year,
        about: `${BULLETIN_NAME[b.kind]}:${short(b.text)}`,
        points: line?.points ?? 0,
        refs: [b.seq, ...b.refs],
      };
    }
    const o = findObligation(state, target.obligationId);
    if (!o || !v.unitIds.has(o.unitId)) throw new AppError('NOT_FOUND', '没有找到这个事项(或不是您单位的事项)');
    const lines = this.linesOf(state, o.year, today).filter(
      (l) => l.unitId === o.unitId && l.obligationId === o.id && l.points < 0,
    );
    if (lines.length === 0) throw new AppError('VALIDATION_FAILED', `"${o.label}"目前没有考评扣分,无需申请容错免责`);
    const task = state.tasks.find((t) => t.id === o.taskId);
    return {
      unitId: o.unitId,
      year: o.year,
      about: `${task ? taskLabel(task) : o.taskId} · ${o.label}(${lines.map((l) => ASSESSMENT_RULE_NAME[l.rule]).join('、')})`,
      points: round2(lines.reduce((n, l) => n + l.points, 0)),
      refs: [...new Set(lines.map((l) => l.seq))],
    };
  }

  /** The year's lines as 考评 would judge them today (the year's last day once it is over). */
  private linesOf(state: S, year: number, today: string): AssessmentLine[] {
    const asOf = today < `${year}-12-31` ? today : `${year}-12-31`;
    return computeLines(state, this.d.book, this.d.rules, year, asOf);
  }

  async file(v: Viewer, input: ExemptionBody & { evidenceMeta: EvidenceMeta[] }): Promise<Exemption> {
    if (!v.person.roles.some((r) => r === 'contact' || r === 'leader'))
      throw new AppError('FORBIDDEN', '只有单位的联络员或领导可以申请容错免责');
    if (!this.grounds.includes(input.ground))
      throw new AppError('VALIDATION_FAILED', `容错免责的情形应为:${this.grounds.join('、')}`);
    const { result } = await this.d.store.transact((draft, tx) => {
      const today = shanghaiDate(tx.at);
      const t = this.resolve(draft, v, input.target, today);
      if (draft.assessments?.[String(t.year)]?.status === 'final')
        throw new AppError('CONFLICT', `${t.year} 年度考评已定稿,不再受理容错免责申请`);
      const same = Object.values(draft.exemptions ?? {}).find(
        (e) => e.unitId === t.unitId && JSON.stringify(e.target) === JSON.stringify(input.target),
      );
      if (same)
        throw new AppError('CONFLICT', `这一事项已申请过容错免责(${same.id},${EXEMPTION_STATE_NAMES[same.state]})`);
      const seq = tx.append({
        type: 'exemption.filed',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'unit', id: t.unitId },
        channel: 'miniapp',
        payload: {
          year: t.year,
          unitId: t.unitId,
          target: input.target,
          about: t.about,
          points: t.points,
          ground: input.ground,
          text: input.text,
          evidence: input.evidenceMeta,
        },
      });
      const e: Exemption = {
        id: `E${seq}`,
        seq,
        year: t.year,
        unitId: t.unitId,
        target: input.target,
        about: t.about,
        points: t.points,
        ground: input.ground,
        text: input.text,
        evidence: input.evidenceMeta,
        by: v.person.id,
        createdAt: tx.at.toISOString(),
        state: 'pending',
        refs: t.refs,
      };
      draft.exemptions = { ...(draft.exemptions ?? {}), [e.id]: e };
      const unitName = draft.units.find((u) => u.id === t.unitId)?.name ?? t.unitId;
      const office = draft.people.filter((p) => p.roles.includes('supervisor'));
      cardToEach(
        draft,
        office,
        {
          key: (p) => `exemption:${e.id}:filed:${p.id}`,
          kind: 'decision',
          title: `${unitName}申请容错免责`,
          markdown: () =>
            `### ${unitName}申请容错免责\n**${t.about}**\n\n情形:${input.ground}\n\n${short(input.text, 120)}`,
          button: { title: '审核', url: link(this.d.publicUrl) },
          tasks: [],
          date: today,
        },
        tx.at,
      );
      return e;
    });
    return result;
  }

  /** The 督考办's decision: accept (keeping a share of the deduction, none by default) or reject with reasons. */
  async decide(actor: Person, id: string, input: ExemptionDecisionBody): Promise<Exemption> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const e = this.open(draft, id, 'pending');
      const proposed = input.accept && this.leaderStep;
      const state = !input.accept ? 'rejected' : proposed ? 'proposed' : 'accepted';
      const seq = tx.append({
        type: 'exemption.decided',
        actor,
        subject: { type: 'exemption', id },
        channel: 'miniapp',
        payload: { year: e.year, unitId: e.unitId, state, keep: input.keep, comment: input.comment },
      });
      const decided: Exemption = {
        ...e,
        state,
        refs: [...e.refs, seq],
        decision: { keep: input.keep, comment: input.comment, by: actor.id, at: tx.at.toISOString() },
      };
      draft.exemptions![id] = decided;
      if (state === 'proposed') this.toLeaders(draft, decided, tx.at);
      else this.toUnit(draft, decided, tx.at);
      return decided;
    });
    return result;
  }

  /** A district leader confirms (or not) what the 督考办 proposed to accept. */
  async confirm(actor: Person, id: string, input: { agree: boolean; comment: string }): Promise<Exemption> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const e = this.open(draft, id, 'proposed');
      const state = input.agree ? 'accepted' : 'rejected';
      const seq = tx.append({
        type: 'exemption.confirmed',
        actor,
        subject: { type: 'exemption', id },
        channel: 'miniapp',
        payload: { year: e.year, unitId: e.unitId, agreed: input.agree, comment: input.comment },
      });
      const decided: Exemption = {
        ...e,
        state,
        refs: [...e.refs, seq],
        leader: { agreed: input.agree, comment: input.comment, by: actor.id, at: tx.at.toISOString() },
      };
      draft.exemptions![id] = decided;
      this.toUnit(draft, decided, tx.at);
      return decided;
    });
    return result;
  }

  private open(draft: State, id: string, want: 'pending' | 'proposed'): Exemption {
    const e = draft.exemptions?.[id];
    if (!e) throw new AppError('NOT_FOUND', `没有编号为 ${id} 的容错免责申请`);
    if (e.state !== want) throw new AppError('CONFLICT', `这份申请${EXEMPTION_STATE_NAMES[e.state]},不能再办理`);
    if (draft.assessments?.[String(e.year)]?.status === 'final')
      throw new AppError('CONFLICT', `${e.year} 年度考评已定稿,如需更正请记录"更正"`);
    return isDraft(e) ? current(e) : e;
  }

  private toUnit(draft: State, e: Exemption, at: Date): void {
    const accepted = e.state === 'accepted';
    const keep = e.decision?.keep ?? 0;
    const effect = accepted ? (keep === 0 ? '扣分取消' : `扣分按 ${Math.round(keep * 100)}% 计`) : '扣分不变';
    const comment = e.leader?.comment || e.decision?.comment;
    cardToEach(
      draft,
      unitPeople(draft, [e.unitId]),
      {
        key: (p) => `exemption:${e.id}:${e.state}:${p.id}`,
        kind: 'decision',
        title: `容错免责申请:${EXEMPTION_STATE_NAMES[e.state]}`,
        markdown: () =>
          `### 容错免责申请:${EXEMPTION_STATE_NAMES[e.state]}\n**${e.about}**\n\n${effect}。${comment ? `\n\n意见:${comment}` : ''}`,
        button: { title: '查看', url: link(this.d.publicUrl) },
        tasks: [],
        date: shanghaiDate(at),
      },
      at,
    );
  }

  private toLeaders(draft: State, e: Exemption, at: Date): void {
    const leaders = draft.people.filter((p) =>
      p.unitIds.some((u) => draft.units.find((x) => x.id === u)?.kind === 'government'),
    );
    const unitName = draft.units.find((u) => u.id === e.unitId)?.name ?? e.unitId;
    cardToEach(
      draft,
      leaders,
      {
        key: (p) => `exemption:${e.id}:proposed:${p.id}`,
        kind: 'decision',
        title: `请确认:${unitName}容错免责`,
        markdown: () =>
          `### 请确认:${unitName}容错免责\n**${e.about}**\n\n情形:${e.ground}\n\n督考办意见:予以免责${e.decision?.comment ? `。${e.decision.comment}` : ''}`,
        button: { title: '确认', url: link(this.d.publicUrl) },
        tasks: [],
        date: shanghaiDate(at),
      },
      at,
    );
  }
}
