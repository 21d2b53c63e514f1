import { current, isDraft } from 'immer';
import type { Evaluation, EvaluationBody, Finding, FindingBody } from '../../../../shared/schemas/evaluation.js';
import type { EvidenceMeta } from '../../../../shared/schemas/request.js';
import type { Viewer } from '../../auth/viewer.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../model/ledger.js';
import type { State } from '../../model/state.js';
import type { Store } from '../../store/ports.js';
import { cardToEach, unitPeople } from '../notices/notices.js';
import type { BookRules } from '../obligations/obligation-book.js';
import { addManualInDraft } from '../obligations/manual-obligations.js';
import { appLink } from '../reminders/digest-text.js';

type Person = Actor & { id: string };
const snapshot = (e: Evaluation): Evaluation => (isDraft(e) ? current(e) : e);

/** Whether a hand-made item is a 第三方评估 finding's 整改 (its report is reviewed, as a 通报批评's). */
export function isEvaluationRectification(state: Readonly<State>, manualId: string): boolean {
  return Object.values(state.evaluations ?? {}).some((e) => e.findings.some((f) => f.rectify?.manualId === manualId));
}

/**
 * 第三方评估: the 督考办 opens an evaluation (its scope: tasks, units, period; the evaluator's
 * people); those people — and only they — record findings on the scope's units, turn the ones that
 * need action into 整改 items (a hand-made item on the task, chased, its report reviewed), re-check
 * them, and import 公众满意度 results. 考评 counts them as `rules.evaluation` says.
 */
export class Evaluations {
  constructor(private readonly d: { store: Store; rules: BookRules; publicUrl: string }) {}

  async open(actor: Person, b: EvaluationBody): Promise<Evaluation> {
    const { result } = await this.d.store.transact((draft, tx) => {
      for (const id of b.unitIds)
        if (!draft.units.some((u) => u.id === id)) throw new AppError('VALIDATION_FAILED', `没有编号为 ${id} 的单位`);
      for (const id of b.taskIds)
        if (!draft.tasks.some((t) => t.id === id)) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${id} 的任务`);
      for (const id of b.evaluatorIds) {
        const p = draft.people.find((x) => x.id === id);
        if (!p || !p.roles.includes('evaluator'))
          throw new AppError('VALIDATION_FAILED', `${p?.name ?? id}不是第三方评估人员(通讯录中的"第三方评估"角色)`);
      }
      const seq = tx.append({
        type: 'evaluation.opened',
        actor,
        subject: { type: 'evaluation', id: b.title },
        channel: 'miniapp',
        payload: {
          title: b.title,
          org: b.org,
          period: b.period,
          taskIds: b.taskIds,
          unitIds: b.unitIds,
          evaluatorIds: b.evaluatorIds,
        },
      });
      const e: Evaluation = {
        id: `V${seq}`,
        seq,
        title: b.title,
        org: b.org,
        year: Number(b.period.to.slice(0, 4)),
        period: b.period,
        taskIds: [...new Set(b.taskIds)],
        unitIds: [...new Set(b.unitIds)],
        evaluatorIds: [...new Set(b.evaluatorIds)],
        createdBy: actor.id,
        createdAt: tx.at.toISOString(),
        status: 'open',
        findings: [],
        satisfaction: [],
      };
      draft.evaluations = { ...(draft.evaluations ?? {}), [e.id]: e };
      return e;
    });
    return result;
  }

  /** Only the evaluation's own evaluators record in it, and only on its units (and tasks, when it names them). */
  private mine(draft: State, v: Viewer, id: string): Evaluation {
    const e = draft.evaluations?.[id];
    if (
      !e ||
      !(e.evaluatorIds.includes(v.person.id) || v.person.roles.some((r) => r === 'supervisor' || r === 'admin'))
    )
      throw new AppError('NOT_FOUND', `没有找到评估 ${id}`);
    if (!e.evaluatorIds.includes(v.person.id))
      throw new AppError('FORBIDDEN', '评估发现只能由本次评估的第三方评估人员记录');
    if (e.status !== 'open') throw new AppError('CONFLICT', '这次评估已结束');
    return e;
  }

  async addFinding(v: Viewer, id: string, b: FindingBody, evidence: EvidenceMeta[]): Promise<Finding> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const e = this.mine(draft, v, id);
      if (!e.unitIds.includes(b.unitId)) throw new AppError('VALIDATION_FAILED', '这个单位不在本次评估范围内');
      if (b.taskId && e.taskIds.length > 0 && !e.taskIds.includes(b.taskId))
        throw new AppError('VALIDATION_FAILED', '这项任务不在本次评估范围内');
      if (b.rectifyBy && !b.taskId)
        throw new AppError('VALIDATION_FAILED', '需要整改的发现请指明任务(整改事项挂在任务下)');
      const today = shanghaiDate(tx.at);
      if (b.rectifyBy && b.rectifyBy <= today) throw new AppError('VALIDATION_FAILED', `整改期限应晚于今天(${today})`);
      const actor = { type: 'person' as const, id: v.person.id, name: v.person.name };
      const manualId =
        b.rectifyBy &&
        addManualInDraft(
          draft,
          tx,
          this.d.rules,
          {
            taskId: b.taskId!,
            unitIds: [b.unitId],
            label: `第三方评估整改:${b.text}`.slice(0, 100),
            due: b.rectifyBy,
            opensOn: today,
          },
          actor,
          'miniapp',
        );
      const seq = tx.append({
        type: 'evaluation.finding',
        actor,
        subject: { type: 'evaluation', id },
        channel: 'miniapp',
        payload: {
          unitId: b.unitId,
          ...(b.taskId ? { taskId: b.taskId } : {}),
          text: b.text,
          ...(b.score !== undefined ? { score: b.score } : {}),
          evidence,
          ...(manualId ? { manualId, rectifyBy: b.rectifyBy } : {}),
        },
      });
      const f: Finding = {
        id: `F${seq}`,
        seq,
        unitId: b.unitId,
        ...(b.taskId ? { taskId: b.taskId } : {}),
        text: b.text,
        ...(b.score !== undefined ? { score: b.score } : {}),
        evidence,
        by: v.person.id,
        at: tx.at.toISOString(),
        ...(manualId ? { rectify: { manualId, due: b.rectifyBy! } } : {}),
      };
      draft.evaluations![id] = { ...snapshot(e), findings: [...e.findings, f] };
      if (manualId) {
        const title = `第三方评估整改 · ${e.title}`;
        cardToEach(
          draft,
          unitPeople(draft, [b.unitId]),
          {
            key: (p) => `evaluation:${f.id}:${p.id}`,
            kind: 'urge',
            title,
            markdown: () =>
              `### ${title}\n${e.org}评估发现:\n\n> ${b.text}\n\n请于 **${b.rectifyBy}** 前整改并在督办通中报送整改情况(督考办审核)。`,
            button: { title: '报送整改情况', url: appLink(this.d.publicUrl, b.taskId) },
            tasks: [b.taskId!],
            date: today,
          },
          tx.at,
        );
      }
      return f;
    });
    return result;
  }

  /** 二次评估: the evaluator re-checks a finding's 整改 (once its report is in). */
  async recheck(v: Viewer, id: string, findingId: string, b: { passed: boolean; text: string }): Promise<Finding> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const e = this.mine(draft, v, id);
      const f = e.findings.find((x) => x.id === findingId);
      if (!f) throw new AppError('NOT_FOUND', `没有找到评估发现 ${findingId}`);
      if (!f.rectify) throw new AppError('VALIDATION_FAILED', '这条发现没有整改要求,无需二次评估');
      if (f.recheck) throw new AppError('CONFLICT', '这条发现已经二次评估过');
      const seq = tx.append({
        type: 'evaluation.rechecked',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'evaluation', id },
        channel: 'miniapp',
        payload: { findingId, unitId: f.unitId, passed: b.passed, text: b.text },
      });
      const next: Finding = {
        ...f,
        recheck: { passed: b.passed, text: b.text, by: v.person.id, at: tx.at.toISOString(), seq },
      };
      const s = snapshot(e);
      draft.evaluations![id] = { ...s, findings: s.findings.map((x) => (x.id === findingId ? next : x)) };
      return next;
    });
    return result;
  }

  /** 公众满意度 results replace the evaluation's (every row's unit must be in scope; any problem: nothing taken). */
  async importSatisfaction(
    v: Viewer,
    id: string,
    rows: ReadonlyArray<{ line: number; unitName: string; sample: number; percent: number }>,
  ): Promise<Evaluation> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const e = this.mine(draft, v, id);
      const byName = new Map(draft.units.map((u) => [u.name, u.id]));
      const problems: Array<{ path: string; message: string }> = [];
      const seen = new Set<string>();
      const out = rows.flatMap((r) => {
        const unitId = byName.get(r.unitName);
        if (!unitId || !e.unitIds.includes(unitId)) {
          problems.push({ path: `第${r.line}行`, message: `"${r.unitName}"不是本次评估范围内的单位` });
          return [];
        }
        if (seen.has(unitId)) {
          problems.push({ path: `第${r.line}行`, message: `${r.unitName}出现了两次` });
          return [];
        }
        seen.add(unitId);
        return [{ unitId, sample: r.sample, percent: r.percent }];
      });
      if (problems.length > 0)
        throw new AppError(
          'VALIDATION_FAILED',
          `满意度表有 ${problems.length} 处问题,未导入:${problems[0]!.path}${problems[0]!.message}`,
          {
            details: problems,
          },
        );
      const seq = tx.append({
        type: 'evaluation.satisfaction',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'evaluation', id },
        channel: 'miniapp',
        payload: { rows: out },
      });
      const next = { ...snapshot(e), satisfaction: out, satisfactionSeq: seq };
      draft.evaluations![id] = next;
      return next;
    });
    return result;
  }
}
