import { ASSESSMENT_RULE_NAME } from '../../../shared/schemas/assessment.js';
import { payloadOf } from '../model/ledger-events.js';
import { cnDate as cnShort } from '../../../shared/cn-date.js';
import type { AssessmentLine } from '../../../shared/schemas/assessment.js';
import type { ObligationRecord } from '../model/obligation.js';
import { shanghaiDate } from '../calendar/dates.js';
import { obligationsOf, type BookRules } from '../domain/obligations/obligation-book.js';
import { rectified } from '../domain/supervision/bulletins.js';
import { roleName } from '../domain/plan/plan-queries.js';
import { includedTasks } from '../domain/obligations/obligation-rules.js';
import type { LedgerReader } from '../store/ports.js';
import type { State } from '../model/state.js';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const RULE = ASSESSMENT_RULE_NAME;

export interface AnnualReportInput {
  state: Readonly<State>;
  ledger: Pick<LedgerReader, 'read'>;
  book: BookRules;
  year: number;
  unitId: string;
  /** The unit's score and its lines, when the year's 考评 is computed. */
  /** The 考评 is computed but the unit had nothing due that year (本年度无考评事项). */
  noItems?: boolean;
  assessment?:
    | {
        score: number;
        rank: number;
        tied?: boolean;
        of: number;
        lines: ReadonlyArray<AssessmentLine & { effective: number }>;
      }
    | undefined;
  now: Date;
}

/**
 * A unit's annual report ("按年度向区政府报告") as a printable HTML page: its tasks and what it
 * reported on each item, its score and the reasons, and any 整改 still open.
 */
export async function annualReportHtml(x: AnnualReportInput): Promise<string> {
  const { state, book, year, unitId } = x;
  const unit = state.units.find((u) => u.id === unitId);
  const plan = state.plans.find((p) => p.id === state.activePlanId);
  const tasks = new Map((plan ? includedTasks(state.tasks, plan.id, book.policy) : []).map((t) => [t.id, t]));
  const parts = state.assignments
    .filter((a) => a.unitId === unitId && tasks.has(a.taskId) && (a.status === 'active' || a.status === 'closed'))
    .sort((a, b) => tasks.get(a.taskId)!.number - tasks.get(b.taskId)!.number);
  const mine = new Set(parts.map((a) => a.id));
  const items = new Map<string, ObligationRecord[]>();
  for (const o of obligationsOf(state, book, [year]))
    if (mine.has(o.assignmentId)) items.set(o.assignmentId, [...(items.get(o.assignmentId) ?? []), o]);
  const texts = new Map<string, { on: string; text: string }>();
  for await (const e of x.ledger.read()) {
    const p = payloadOf(e, 'progress.reported');
    if (p?.unitId !== unitId) continue;
    // an event written before a field existed lacks it: read old history as it is
    for (const id of p.obligations ?? []) texts.set(id, { on: shanghaiDate(new Date(e.at)), text: p.text ?? '' });
  }
  const today = shanghaiDate(x.now);
  const asOf = today < `${year}-12-31` ? today : `${year}-12-31`;
  const open = Object.values(state.bulletins ?? {}).filter(
    (b) =>
      b.kind === 'criticism' && b.year === year && b.unitIds.includes(unitId) && !rectified(state, b).includes(unitId),
  );
  const sections = parts.map((a) => {
    const task = tasks.get(a.taskId)!;
    const all = state.assignments.filter(
      (y) => y.taskId === task.id && y.status !== 'toDesignate' && y.status !== 'designated',
    );
    const rows = (items.get(a.id) ?? [])
      .sort((p, q) => p.due.localeCompare(q.due))
      .map((o) => {
        const t = texts.get(o.id);
        const state2 =
          o.status === 'fulfilled' || o.status === 'closed'
            ? o.doneAt && shanghaiDate(new Date(o.doneAt)) > o.due
              ? '逾期完成'
              : '已完成'
            : o.status === 'waived'
              ? '免报'
              : o.due < asOf
                ? '未完成'
                : '未到期';
        return `<tr><td>${esc(o.label)}</td><td class="date">${o.due}</td><td class="s-${state2}">${state2}</td><td>${t ? `${t.on}:${esc(t.text)}` : ''}</td></tr>`;
      })
      .join('');
    return `<section><h2>重点任务${task.number} ${esc(task.title)} <small>${esc(roleName(task, a, all))}${a.status === 'closed' ? ' · 已办结' : ''}</small></h2><table><thead><tr><th>事项</th><th>截止</th><th>情况</th><th>报送内容</th></tr></thead><tbody>${rows}</tbody></table></section>`;
  });
  const score = x.assessment
    ? `<section><h2>年度考评:${x.assessment.score} 分(${x.assessment.tied ? '并列' : ''}第 ${x.assessment.rank} 名,共 ${x.assessment.of} 个单位)</h2><table><thead><tr><th>项目</th><th>事项</th><th>分值</th></tr></thead><tbody>${x.assessment.lines.map((l) => `<tr><td>${RULE[l.rule]}</td><td>${l.taskNumber ? `重点任务${l.taskNumber} ` : ''}${esc(l.label)}</td><td class="num">${l.effective > 0 ? '+' : ''}${l.effective}</td></tr>`).join('')}</tbody></table></section>`
    : x.noItems
      ? '<section><h2>年度考评</h2><p>本年度无考评事项(该年度没有到期的事项),不参加排名。</p></section>'
      : '<section><h2>年度考评</h2><p>本年度考评尚未计算。</p></section>';
  const rectify = open.length
    ? `<section><h2>尚未完成的整改(${open.length})</h2><ul>${open.map((b) => `<li>${esc(b.text)}(整改期限 ${b.rectification?.due ?? '—'})</li>`).join('')}</ul></section>`
    : '<section><h2>整改</h2><p>无未完成的整改事项。</p></section>';
  const title = `${esc(unit?.name ?? unitId)} ${year} 年度落实情况报告`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title><style>
body{font-family:'Songti SC','SimSun','WenQuanYi Zen Hei',serif;margin:24px auto;max-width:960px;color:#1f1f1f;line-height:1.6}
h1{text-align:center;font-size:22px;margin:0 0 4px}p.meta{text-align:center;color:#595959;font-size:13px;margin:0 0 20px}
h2{font-size:16px;margin:20px 0 8px;border-left:4px solid #1677ff;padding-left:8px}h2 small{font-weight:normal;color:#595959;font-size:13px}
table{width:100%;border-collapse:collapse;font-size:13px}th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}th{background:#e6f4ff}
td.num{text-align:right;white-space:nowrap}td.date{white-space:nowrap}.sign{margin-top:36px;text-align:right;line-height:2}.s-未完成,.s-逾期完成{color:#cf1322}.s-已完成{color:#389e0d}
@media print{body{margin:0;max-width:none}section{break-inside:avoid}@page{size:A4;margin:15mm}}
</style></head><body><h1>${title}</h1><p class="meta">${esc(state.directory.district)} · ${esc(plan?.title ?? '')} · 截至 ${asOf} · 承担重点任务 ${parts.length} 项</p>${sections.join('')}${score}${rectify}<div class="sign">填报单位(盖章):${esc(unit?.name ?? unitId)}<br>督考办审核:________________(盖章)<br>${((d: string) => `${d.slice(0, 4)}年${cnShort(d)}`)(today)}</div></body></html>`;
}
