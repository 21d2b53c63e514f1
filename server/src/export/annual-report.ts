import { EXEMPTION_STATE_NAMES } from '../../../shared/schemas/exemption.js';
import { SHEET_LEVEL_NAMES } from '../../../shared/schemas/notice-sheet.js';
import { payloadOf } from '../model/ledger-events.js';
import type { ObligationRecord } from '../model/obligation.js';
import { shanghaiDate } from '../calendar/dates.js';
import { obligationsOf, type BookRules } from '../domain/obligations/obligation-book.js';
import { rectified } from '../domain/supervision/bulletins.js';
import { roleName } from '../domain/plan/plan-queries.js';
import { includedTasks } from '../domain/obligations/obligation-rules.js';
import type { LedgerReader } from '../store/ports.js';
import type { State } from '../model/state.js';
import {
  renderAnnualReport,
  type AnnualReportFacts,
  type ItemState,
  type ReportAssessment,
} from './annual-report-page.js';

export interface AnnualReportInput {
  state: Readonly<State>;
  ledger: Pick<LedgerReader, 'read'>;
  book: BookRules;
  year: number;
  unitId: string;
  /** The unit's score and its lines, when the year's 考评 is computed. */
  /** The 考评 is computed but the unit had nothing due that year (本年度无考评事项). */
  noItems?: boolean;
  assessment?: ReportAssessment | undefined;
  now: Date;
}

/**
 * A unit's annual report ("按年度向区政府报告") as a printable HTML page: its tasks and what it
 * reported on each item, its score and the reasons, and any 整改 still open. This gathers the
 * facts; `annual-report-page.tsx` lays them out (React, rendered to static markup: every text
 * escaped by the renderer, none by hand).
 */
export async function annualReportHtml(x: AnnualReportInput): Promise<string> {
  return renderAnnualReport(await annualReportFacts(x));
}

/** The facts the annual report shows, in the order it shows them. */
export async function annualReportFacts(x: AnnualReportInput): Promise<AnnualReportFacts> {
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
      .map((o) => ({ label: o.label, due: o.due, state: itemState(o, asOf), reported: texts.get(o.id) }));
    return {
      kind: task.kind,
      number: task.number,
      title: task.title,
      role: roleName(task, a, all),
      closed: a.status === 'closed',
      rows,
    };
  });
  return {
    unitName: unit?.name ?? unitId,
    year,
    district: state.directory.district,
    planTitle: plan?.title ?? '',
    asOf,
    today,
    sections,
    assessment: x.assessment,
    noItems: x.noItems ?? false,
    openRectifications: open.map((b) => ({ text: b.text, due: b.rectification?.due })),
    instructions: Object.values(state.instructions ?? {})
      .filter((i) => shanghaiDate(new Date(i.registeredAt)).startsWith(String(year)))
      .flatMap((i) => {
        const task = state.tasks.find((t) => t.id === i.taskId);
        const part = state.assignments.find((a) => a.taskId === i.taskId && a.unitId === unitId);
        if (!task || !part) return [];
        return [
          {
            label: `批示件${task.number}`,
            title: task.title,
            leader: i.leader,
            role: part.role === 'lead' ? '牵头' : '配合',
            due: task.schedule.due ?? '',
            state: part.status === 'closed' ? '已办结' : '办理中',
          },
        ];
      }),
    exemptions: Object.values(state.exemptions ?? {})
      .filter((e) => e.year === year && e.unitId === unitId)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({ about: e.about, ground: e.ground, state: EXEMPTION_STATE_NAMES[e.state] })),
    noticeSheets: Object.values(state.noticeSheets ?? {})
      .filter((s) => s.year === year && s.unitId === unitId)
      .sort((a, b) => a.seq - b.seq)
      .map((s) => ({
        number: s.number,
        level: SHEET_LEVEL_NAMES[s.level],
        items: s.items.length,
        replyBy: s.replyBy,
        answered: s.answer && `${shanghaiDate(new Date(s.answer.at))} 已回复`,
      })),
  };
}

/** How an item stands in the report: done (on time or late), waived, missed, or not yet due. */
function itemState(o: ObligationRecord, asOf: string): ItemState {
  if (o.status === 'fulfilled' || o.status === 'closed')
    return o.doneAt && shanghaiDate(new Date(o.doneAt)) > o.due ? '逾期完成' : '已完成';
  if (o.status === 'waived') return '免报';
  return o.due < asOf ? '未完成' : '未到期';
}
