/**
 * 考评's formula: the scored lines of a year (what counts, with what weight) and the scores and
 * ranking they add up to. Pure functions of the state and the rules — no store, no notices, no
 * workflow; `assessment.ts` runs the draft → published → final workflow around them.
 */
import type { AssessmentLine, AssessmentView } from '../../../../shared/schemas/assessment.js';
import type { State } from '../../model/state.js';
import { obligationsOf, type BookRules } from '../obligations/obligation-book.js';
import { includedTasks } from '../obligations/obligation-rules.js';
import type { AssessmentRules } from './rules.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { roleName } from '../plan/plan-queries.js';
import { itemName } from '../progress/item-name.js';
import { PILOT_LEVEL_NAMES } from '../../../../shared/schemas/pilot.js';

type S = Readonly<State>;

const REPORTED = new Set(['fulfilled', 'closed']);
const byName = new Intl.Collator('zh-CN').compare;

/**
 * Every scored line of a year, judged on `asOf` (the year's last day, or today during the year):
 * per unit's part and item — completed (on time, or late), missed, a late 签收, each returned
 * report — weighted lead/co. Items waived (a round closed, a unit named mid-year) do not count.
 * Deterministic: the same state gives the same lines.
 */
export function computeLines(
  state: S,
  book: BookRules,
  rules: AssessmentRules,
  year: number,
  asOf: string,
): AssessmentLine[] {
  const plan = state.plans.find((p) => p.id === state.activePlanId);
  if (!plan) return [];
  const tasks = new Map(includedTasks(state.tasks, plan.id, book.policy).map((t) => [t.id, t]));
  const parts = new Map(
    state.assignments
      .filter((a) => a.planId === plan.id && tasks.has(a.taskId) && (a.status === 'active' || a.status === 'closed'))
      .map((a) => [a.id, a]),
  );
  const all = new Map<string, typeof state.assignments>();
  for (const a of state.assignments) all.set(a.taskId, [...(all.get(a.taskId) ?? []), a]);
  const returned = new Map<string, Array<{ seq: number }>>();
  for (const r of Object.values(state.requests)) {
    if (r.kind !== 'report' || r.state !== 'returned') continue;
    for (const id of r.obligationIds) returned.set(id, [...(returned.get(id) ?? []), { seq: r.seq }]);
  }
  const lines: AssessmentLine[] = [];
  for (const o of obligationsOf(state, book, [year])) {
    const a = parts.get(o.assignmentId);
    const task = tasks.get(o.taskId);
    if (!a || !task || o.status === 'waived') continue;
    const weight =
      roleName(
        task,
        a,
        (all.get(task.id) ?? []).filter((x) => x.status !== 'toDesignate' && x.status !== 'designated'),
      ) === '配合单位'
        ? ('co' as const)
        : ('lead' as const);
    const doneOn = REPORTED.has(o.status) && o.doneAt ? shanghaiDate(new Date(o.doneAt)) : undefined;
    const line = (rule: AssessmentLine['rule'], points: number, seq = o.seq): AssessmentLine => ({
      unitId: a.unitId,
      assignmentId: a.id,
      taskId: task.id,
      taskNumber: task.number,
      obligationId: o.id,
      label: itemName(o, year),
      rule,
      weight,
      points,
      due: o.due,
      ...(doneOn ? { doneOn } : {}),
      seq,
    });
    if (o.kind === 'acknowledge') {
      if (doneOn ? doneOn > o.due : o.due < asOf) lines.push(line('lateAcknowledge', rules.lateAcknowledge[weight]));
      continue;
    }
    if (doneOn) {
      lines.push(line('completed', rules.completed[weight]));
      if (doneOn > o.due) lines.push(line('late', rules.late[weight]));
    } else if (o.due < asOf) lines.push(line('missed', rules.missed[weight]));
    for (const r of returned.get(o.id) ?? []) lines.push(line('returnedReport', rules.returnedReport[weight], r.seq));
  }
  // 激励 and 问责: each 通报表扬 / 通报批评 of the year counts for every unit it names
  for (const b of Object.values(state.bulletins ?? {})) {
    if (b.year !== year || b.kind === 'interview') continue;
    for (const unitId of b.unitIds) {
      const a =
        [...parts.values()].find((x) => x.unitId === unitId && (!b.taskId || x.taskId === b.taskId)) ??
        [...parts.values()].find((x) => x.unitId === unitId);
      const task = a && tasks.get(a.taskId);
      if (!a || !task) continue;
      const weight =
        b.taskId &&
        roleName(
          task,
          a,
          (all.get(task.id) ?? []).filter((x) => x.status !== 'toDesignate' && x.status !== 'designated'),
        ) === '配合单位'
          ? ('co' as const)
          : ('lead' as const);
      const rule = b.kind === 'praise' ? ('praise' as const) : ('criticism' as const);
      lines.push({
        unitId,
        assignmentId: a.id,
        taskId: task.id,
        taskNumber: task.number,
        label: `${b.kind === 'praise' ? '通报表扬' : '通报批评'}:${b.text.length > 40 ? `${b.text.slice(0, 39)}…` : b.text}`,
        rule,
        weight,
        points: rules[rule][weight],
        seq: b.seq,
      });
    }
  }
  lines.push(...pilotLines(state, rules, year, parts, tasks), ...evaluationLines(state, rules, year, parts, tasks));
  return lines.sort(
    (x, y) =>
      x.unitId.localeCompare(y.unitId) ||
      x.taskNumber - y.taskNumber ||
      (x.obligationId ?? '').localeCompare(y.obligationId ?? '') ||
      x.rule.localeCompare(y.rule),
  );
}

/** 第三方评估's lines, only as the rules ask: 公众满意度 against the baseline, 整改 that failed the 二次评估. */
function evaluationLines(
  state: S,
  rules: AssessmentRules,
  year: number,
  parts: ReadonlyMap<string, State['assignments'][number]>,
  tasks: ReadonlyMap<string, State['tasks'][number]>,
): AssessmentLine[] {
  const r = rules.evaluation;
  const lines: AssessmentLine[] = [];
  const line = (unitId: string, taskId: string | undefined, label: string, points: number, seq: number) => {
    const a =
      [...parts.values()].find((x) => x.unitId === unitId && x.taskId === taskId) ??
      [...parts.values()].find((x) => x.unitId === unitId);
    const task = a && tasks.get(a.taskId);
    if (a && task && points !== 0)
      lines.push({
        unitId,
        assignmentId: a.id,
        taskId: task.id,
        taskNumber: task.number,
        label,
        rule: 'evaluation',
        weight: 'lead',
        points,
        seq,
      });
  };
  for (const e of Object.values(state.evaluations ?? {})) {
    if (e.year !== year) continue;
    const s = r.satisfaction;
    if (s.pointsPerPercent > 0 && e.satisfactionSeq)
      for (const x of e.satisfaction) {
        const raw = (x.percent - s.baseline) * s.pointsPerPercent;
        line(
          x.unitId,
          undefined,
          `公众满意度 ${x.percent}%(${e.title})`,
          round2(Math.max(-s.cap, Math.min(s.cap, raw))),
          e.satisfactionSeq,
        );
      }
    if (r.failedRecheck < 0)
      for (const f of e.findings)
        if (f.recheck && !f.recheck.passed)
          line(f.unitId, f.taskId, `二次评估未通过:${f.text.slice(0, 30)}`, r.failedRecheck, f.recheck.seq);
  }
  return lines;
}

/** 试点示范's lines: a pilot approved in the year, a 越城样本 made of an adopted experience that year. */
function pilotLines(
  state: S,
  rules: AssessmentRules,
  year: number,
  parts: ReadonlyMap<string, State['assignments'][number]>,
  tasks: ReadonlyMap<string, State['tasks'][number]>,
): AssessmentLine[] {
  const lines: AssessmentLine[] = [];
  const partOf = (unitId: string, taskIds: readonly string[]) =>
    [...parts.values()].find((x) => x.unitId === unitId && taskIds.includes(x.taskId)) ??
    [...parts.values()].find((x) => x.unitId === unitId);
  const inYear = (at: string | undefined) => at !== undefined && shanghaiDate(new Date(at)).startsWith(String(year));
  const credit = (
    unitId: string,
    taskIds: readonly string[],
    rule: 'pilot' | 'sample',
    label: string,
    points: number,
    seq: number,
  ) => {
    const a = partOf(unitId, taskIds);
    const task = a && tasks.get(a.taskId);
    if (!a || !task) return;
    lines.push({
      unitId,
      assignmentId: a.id,
      taskId: task.id,
      taskNumber: task.number,
      label,
      rule,
      weight: 'lead',
      points,
      seq,
    });
  };
  for (const p of Object.values(state.pilots ?? {}))
    if (p.status !== 'seeking' && inYear(p.approvedAt))
      credit(
        p.unitId,
        p.taskIds,
        'pilot',
        `${PILOT_LEVEL_NAMES[p.level]}试点:${p.name}`,
        rules.pilot[p.level],
        p.approvedSeq ?? p.seq,
      );
  for (const x of Object.values(state.experiences ?? {}))
    if (x.state === 'adopted' && x.sample && x.decision && inYear(x.decision.at))
      credit(x.unitId, x.taskIds, 'sample', `越城样本:${x.title}`, rules.sample, x.decision.seq);
  return lines;
}

/** The points a line counts: its own, or what an accepted appeal or 容错免责 left of them (the smaller deduction). */
export const effective = (l: AssessmentLine): number =>
  l.appealed || l.exempted
    ? Math.max(...[l.appealed?.points, l.exempted?.points].filter((p): p is number => p !== undefined))
    : l.points;
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Scores and ranking of a year's lines: base + the lines' points, capped, ranked, in quartiles. */
export function scoresOf(state: S, rules: AssessmentRules, lines: readonly AssessmentLine[]): AssessmentView['scores'] {
  const per = new Map<string, { raw: number; parts: Set<string>; criticisms: number }>();
  for (const l of lines) {
    const u = per.get(l.unitId) ?? { raw: rules.base, parts: new Set<string>(), criticisms: 0 };
    u.raw += effective(l);
    u.parts.add(l.assignmentId);
    if (l.rule === 'criticism') u.criticisms += 1;
    per.set(l.unitId, u);
  }
  const names = new Map(state.units.map((u) => [u.id, u.name]));
  const rows = [...per].map(([unitId, u]) => ({
    unitId,
    unitName: names.get(unitId) ?? unitId,
    raw: round2(u.raw),
    score: round2(Math.min(rules.cap, Math.max(rules.floor, u.raw))),
    parts: u.parts.size,
    criticisms: u.criticisms,
    awardEligible: u.criticisms < rules.criticismsBarAward,
  }));
  rows.sort((a, b) => b.score - a.score || byName(a.unitName, b.unitName));
  // ties share a rank (并列); their quartile is that of the middle of the places they share, so 45
  // units tied at the bottom are not coloured as the top quarter because the first of them ranks 3rd
  return rows.map((r) => {
    const rank = rows.findIndex((x) => x.score === r.score) + 1;
    const same = rows.filter((x) => x.score === r.score).length;
    const middle = rank - 1 + (same - 1) / 2;
    return {
      ...r,
      rank,
      tied: same > 1,
      quartile: Math.min(4, Math.floor((4 * middle) / rows.length) + 1),
    };
  });
}
