import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import type { ObligationRecord } from '../model/obligation.js';
import type { Task } from '../../../shared/schemas/task.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { LedgerReader } from '../store/ports.js';
import type { State } from '../model/state.js';
import { obligationsOf, type BookRules } from '../domain/obligations/obligation-book.js';
import { sectionOf } from '../domain/overview/overview.js';
import { roleName } from '../domain/plan/plan-queries.js';
import { includedTasks } from '../domain/obligations/obligation-rules.js';
import { SHEET_LEVEL_NAMES } from '../../../shared/schemas/notice-sheet.js';
import { URGENCY_NAMES } from '../../../shared/schemas/instruction.js';
import { PILOT_LEVEL_NAMES, PILOT_STATUS_NAMES } from '../../../shared/schemas/pilot.js';
import { EXEMPTION_STATE_NAMES } from '../../../shared/schemas/exemption.js';
import { obligationsOfAssignment } from '../domain/obligations/obligation-table.js';

/**
 * The year's 台账 as Excel ("年初有清单、全年有台账"; "建立一事一档、一单位一档"): a 总表 with one row per
 * task × unit, one sheet per task and one per unit. Written with exceljs's streaming writer (rows
 * are committed as they are written, so memory stays flat with the district's size). The last
 * ledger hash of the year is printed in every footer: anyone can check the printout against the
 * ledger (`npm run ledger:verify`).
 */

interface ItemFacts {
  reports: Array<{ on: string; text: string; evidence: number }>;
  decisions: string[];
}

/** What the ledger says about the year: reports and decisions per item, reminders per part, the year's last hash. */
export async function yearFacts(
  ledger: Pick<LedgerReader, 'read'>,
  year: number,
): Promise<{
  items: Map<string, ItemFacts>;
  reminders: Map<string, { sent: number; read: number }>;
  lastHash: string;
  lastSeq: number;
  extensions: Map<string, string[]>;
}> {
  const items = new Map<string, ItemFacts>();
  const reminders = new Map<string, { sent: number; read: number }>();
  const extensions = new Map<string, string[]>();
  const notices = new Map<string, string[]>();
  const item = (id: string): ItemFacts => {
    let f = items.get(id);
    if (!f) items.set(id, (f = { reports: [], decisions: [] }));
    return f;
  };
  let lastHash = '';
  let lastSeq = 0;
  const end = `${year + 1}-01-01`;
  for await (const e of ledger.read()) {
    const on = shanghaiDate(new Date(e.at));
    if (on >= end) break;
    lastHash = e.hash;
    lastSeq = e.seq;
    if (on < `${year}-01-01`) continue;
    const p = e.payload as Record<string, unknown>;
    if (e.type === 'progress.reported' && Array.isArray(p.obligations)) {
      for (const id of p.obligations as string[])
        item(id).reports.push({
          on,
          text: String(p.text ?? ''),
          evidence: Array.isArray(p.evidence) ? p.evidence.length : 0,
        });
    } else if ((e.type === 'review.approved' || e.type === 'review.returned') && Array.isArray(p.obligations)) {
      const what = `${on.slice(5)} ${e.type === 'review.approved' ? (p.kind === 'report' ? '审核通过' : p.kind === 'closure' ? '同意办结' : '同意延期') : p.kind === 'report' ? '退回' : '不同意'}${p.comment ? `:${String(p.comment)}` : ''}`;
      for (const id of p.obligations as string[]) item(id).decisions.push(what);
      if (e.type === 'review.approved' && p.kind === 'extension' && typeof p.until === 'string')
        for (const id of p.obligations as string[])
          extensions.set(id, [...(extensions.get(id) ?? []), `延至 ${p.until}`]);
    } else if (e.type === 'reminder.sent' && Array.isArray(p.obligations)) {
      const parts = [...new Set((p.obligations as string[]).map((id) => id.split(':')[0]!))];
      notices.set(e.subject.id, parts);
      for (const a of parts)
        reminders.set(a, { sent: (reminders.get(a)?.sent ?? 0) + 1, read: reminders.get(a)?.read ?? 0 });
    } else if (e.type === 'reminder.delivery' && p.status === 'read') {
      for (const a of notices.get(e.subject.id) ?? []) {
        const r = reminders.get(a);
        if (r) r.read += 1;
      }
      notices.delete(e.subject.id); // a notice counts as read once
    }
  }
  return { items, reminders, lastHash, lastSeq, extensions };
}

const COLUMNS: Array<{ header: string; key: string; width: number }> = [
  { header: '序号', key: 'no', width: 6 },
  { header: '重点任务', key: 'task', width: 30 },
  { header: '工程', key: 'section', width: 18 },
  { header: '责任单位', key: 'unit', width: 14 },
  { header: '牵头/配合/责任', key: 'role', width: 10 },
  { header: '时间要求', key: 'schedule', width: 12 },
  { header: '签收时间', key: 'ack', width: 11 },
  { header: '各期报送(日期、内容)', key: 'reports', width: 48 },
  { header: '佐证材料', key: 'evidence', width: 8 },
  { header: '审核与延期', key: 'decisions', width: 22 },
  { header: '提醒(发送/已读)', key: 'reminders', width: 10 },
  { header: '灯色', key: 'light', width: 6 },
  { header: '考评(本项加减分)', key: 'score', width: 9 },
  { header: '备注', key: 'note', width: 18 },
];

const thin = { style: 'thin' as const, color: { argb: 'FF999999' } };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** A sheet with its print setup (A4 landscape, fitted to the width, title rows repeated), a merged title and a frozen header. */
function newSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  title: string,
  subtitle: string,
  columns: typeof COLUMNS,
  footer: string,
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName(wb, name), {
    views: [{ state: 'frozen', ySplit: 3 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:3',
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: footer, evenFooter: footer },
  });
  ws.columns = columns.map((c) => ({ key: c.key, width: c.width }));
  const last = String.fromCharCode(64 + columns.length);
  ws.mergeCells(`A1:${last}1`);
  ws.mergeCells(`A2:${last}2`);
  const t = ws.getCell('A1');
  t.value = title;
  t.font = { name: '宋体', size: 16, bold: true };
  t.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 28;
  const s = ws.getCell('A2');
  s.value = subtitle;
  s.font = { name: '宋体', size: 10, color: { argb: 'FF595959' } };
  s.alignment = { horizontal: 'center', wrapText: true };
  ws.getRow(2).height = 28;
  const header = ws.getRow(3);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { name: '黑体', size: 10, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F4FF' } };
    cell.border = BORDER;
  });
  header.height = 30;
  ws.getRow(1).commit();
  ws.getRow(2).commit();
  header.commit();
  return ws;
}

/** Display width in Excel's character units: CJK and full-width characters take two. */
const displayWidth = (text: string): number =>
  [...text].reduce((n, ch) => n + (/[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]/.test(ch) ? 2 : 1), 0);

function addRow(ws: ExcelJS.Worksheet, values: Record<string, string | number>, columns = COLUMNS): void {
  const row = ws.addRow(values);
  // a printed row must be tall enough for its wrapped text (LibreOffice and Excel do not grow streamed rows)
  let lines = 1;
  columns.forEach((c) => {
    const text = String(values[c.key] ?? '');
    const n = text
      .split('\n')
      .reduce((k, para) => k + Math.max(1, Math.ceil(displayWidth(para) / Math.max(1, c.width - 1))), 0);
    lines = Math.max(lines, n);
  });
  row.height = Math.min(409, 4 + lines * 13.5);
  row.eachCell({ includeEmpty: true }, (cell) => {
    cell.alignment = { vertical: 'top', wrapText: true };
    cell.font = { name: '宋体', size: 10 };
    cell.border = BORDER;
  });
  row.commit();
}

/** Sheet names: at most 31 characters, none of []:*?/\ . */
/** Sheet names already taken in a workbook (Excel compares them case-insensitively). */
const taken = new WeakMap<object, Set<string>>();

/**
 * A legal sheet name, unique in its workbook: no []:*?/\, not edged with ', not History, at most
 * 31 characters — two units equal in their first 31 characters, or named 总表 or 任务1 like another
 * sheet, get (2), (3) … (exceljs writes what it is given; Excel then refuses to open the file).
 */
function sheetName(wb: object, s: string): string {
  const used = taken.get(wb) ?? new Set<string>();
  taken.set(wb, used);
  let base =
    s
      .replace(/[[\]:*?/\\]/g, ' ')
      .replace(/^'+|'+$/g, '')
      .trim() || '表';
  if (base.toLowerCase() === 'history') base = `${base} `;
  let name = base.slice(0, 31).replace(/'+$/, '');
  for (let n = 2; used.has(name.toLowerCase()); n += 1) {
    const tail = `(${n})`;
    name = `${base.slice(0, 31 - tail.length).replace(/'+$/, '')}${tail}`;
  }
  used.add(name.toLowerCase());
  return name;
}

export interface LedgerExportInput {
  state: Readonly<State>;
  ledger: Pick<LedgerReader, 'read'>;
  book: BookRules;
  year: number;
  /** Only these units (a unit exports its own); the whole district when absent. */
  unitIds?: ReadonlySet<string> | undefined;
  /** Scores by assignment and by unit (the year's 考评, when computed). */
  scores?: { byPart: Map<string, number>; byUnit: Map<string, number> } | undefined;
  district: string;
  now: Date;
  /** The year's facts read from the ledger already (an export in a worker thread gets them so). */
  facts?: YearFacts;
}

export type YearFacts = Awaited<ReturnType<typeof yearFacts>>;

export interface LedgerExportSummary {
  rows: number;
  taskSheets: number;
  unitSheets: number;
  /** 督办通知单 listed on their own sheet. */
  sheets: number;
  /** 领导批示件 registered in the year, on their own sheet. */
  instructions: number;
  /** 容错免责 claims of the year, on their own sheet. */
  exemptions: number;
  /** Pilots approved and experiences adopted in the year. */
  pilots: number;
  /** 第三方评估 findings of the year's evaluations. */
  evaluations: number;
  lastHash: string;
  lastSeq: number;
}

/** The year's items of each part (assignment), by due date. */
function itemsByPart(items: Iterable<ObligationRecord>): Map<string, ObligationRecord[]> {
  const byPart = new Map<string, ObligationRecord[]>();
  for (const o of items) byPart.set(o.assignmentId, [...(byPart.get(o.assignmentId) ?? []), o]);
  for (const list of byPart.values()) list.sort((a, b) => a.due.localeCompare(b.due));
  return byPart;
}

/** The plan's parts (task × unit) the 台账 lists, by task number then unit (a unit's export: its own). */
function partsOf(state: Readonly<State>, tasks: ReadonlyMap<string, Task>, unitIds?: ReadonlySet<string>) {
  return state.assignments
    .filter(
      (a) =>
        tasks.has(a.taskId) && (a.status === 'active' || a.status === 'closed') && (!unitIds || unitIds.has(a.unitId)),
    )
    .sort((a, b) => tasks.get(a.taskId)!.number - tasks.get(b.taskId)!.number || a.unitId.localeCompare(b.unitId));
}

/** Writes the year's 台账 workbook to `out` (a file or an HTTP response). */
export async function writeLedgerXlsx(out: Writable, x: LedgerExportInput): Promise<LedgerExportSummary> {
  const { state, book, year } = x;
  const plan = state.plans.find((p) => p.id === state.activePlanId);
  const tasks = new Map((plan ? includedTasks(state.tasks, plan.id, book.policy) : []).map((t) => [t.id, t]));
  const parts = partsOf(state, tasks, x.unitIds);
  const byPart = itemsByPart(obligationsOf(state, book, [year]));
  const facts = x.facts ?? (await yearFacts(x.ledger, year));
  const units = new Map(state.units.map((u) => [u.id, u.name]));
  const sections = new Map(state.sections.map((s) => [s.id, `${s.label}${s.title}`]));
  const asOf = shanghaiDate(x.now) < `${year}-12-31` ? shanghaiDate(x.now) : `${year}-12-31`;
  const footer = `&L${x.district} ${year}年度督办台账  第 &P 页 / 共 &N 页&R台账末条记录 #${facts.lastSeq} 哈希 ${facts.lastHash.slice(0, 16)}…${facts.lastHash.slice(-8)}`;
  const title = `${x.district}${plan ? `《${plan.title}》` : ''}${year}年度督办台账`;
  const subtitle = `截至 ${asOf} · ${x.unitIds ? `${[...x.unitIds].map((u) => units.get(u) ?? u).join('、')}` : '全区'} · 导出于 ${new Date(x.now.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}(北京时间) · 台账末条记录 #${facts.lastSeq} ${facts.lastHash}`;

  const rowOf = (a: (typeof parts)[number], task: Task, no: number): Record<string, string | number> => {
    const items = byPart.get(a.id) ?? [];
    const ack = items.find((o) => o.kind === 'acknowledge');
    const reports = items.filter((o) => o.kind !== 'acknowledge');
    const lines = reports.map((o) => {
      const f = facts.items.get(o.id);
      const last = f?.reports.at(-1);
      return `【${o.label}】${o.due.slice(5)}截止:${last ? `${last.on.slice(5)} ${last.text}` : o.status === 'waived' ? '免报' : o.due < asOf ? '未报送' : '未到期'}`;
    });
    const evidence = reports.reduce(
      (n, o) => n + (facts.items.get(o.id)?.reports.reduce((k, r) => k + r.evidence, 0) ?? 0),
      0,
    );
    const decisions = reports.flatMap((o) => [
      ...(facts.items.get(o.id)?.decisions ?? []),
      ...(facts.extensions.get(o.id)?.map((e) => `${o.label}${e}`) ?? []),
    ]);
    const r = facts.reminders.get(a.id);
    const overdue = items.some((o) => o.status === 'open' && o.due < asOf);
    const all = state.assignments.filter(
      (x2) => x2.taskId === task.id && x2.status !== 'toDesignate' && x2.status !== 'designated',
    );
    const section = sectionOf(state, task);
    return {
      no,
      task: `重点任务${task.number} ${task.title}`,
      section: section ? (sections.get(section) ?? '') : '',
      unit: units.get(a.unitId) ?? a.unitId,
      role: roleName(task, a, all).replace('单位', ''),
      schedule: task.schedule.text || '每年推进',
      ack: ack?.doneAt ? shanghaiDate(new Date(ack.doneAt)) : ack && ack.due < asOf ? '未签收' : '',
      reports: lines.join('\n'),
      evidence,
      decisions: decisions.join('\n'),
      reminders: r ? `${r.sent}/${r.read}` : '0/0',
      light: a.status === 'closed' ? '办结' : overdue ? '红' : '绿',
      score: x.scores?.byPart.get(a.id) ?? '',
      note: a.status === 'closed' ? '督考办同意办结' : '',
    };
  };

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '督办通';
  wb.created = x.now;
  const main = newSheet(wb, '总表', title, subtitle, COLUMNS, footer);
  let no = 0;
  for (const a of parts) addRow(main, rowOf(a, tasks.get(a.taskId)!, ++no));
  main.commit();
  // the year's records of their own kind, each on a sheet after the 总表 (none: no sheet)
  const own = {
    sheets: listSheet(wb, x, footer, noticeSheetRows(x, year, units)),
    instructions: listSheet(wb, x, footer, instructionRows(x, year, units)),
    exemptions: listSheet(wb, x, footer, exemptionRows(x, year, units)),
    pilots: listSheet(wb, x, footer, pilotRows(x, year, units)),
    evaluations: listSheet(wb, x, footer, evaluationRows(x, year, units)),
  };

  // 一事一档: one sheet per task
  let taskSheets = 0;
  const byTask = new Map<string, typeof parts>();
  for (const a of parts) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);
  // the district's export has every task (one nobody carries yet says so); a unit's, its own tasks
  const taskOrder = x.unitIds
    ? [...byTask.keys()]
    : [...tasks.values()].sort((p, q) => p.number - q.number).map((t) => t.id);
  for (const taskId of taskOrder) {
    const list = byTask.get(taskId) ?? [];
    const task = tasks.get(taskId)!;
    const ws = newSheet(
      wb,
      `任务${task.number}`,
      `重点任务${task.number} ${task.title}`,
      `${task.unitsText} · ${task.schedule.text || '每年推进'} · ${year}年度`,
      COLUMNS,
      footer,
    );
    list.forEach((a, i) => addRow(ws, rowOf(a, task, i + 1)));
    if (list.length === 0)
      addRow(ws, {
        no: '',
        task: `重点任务${task.number} ${task.title}`,
        unit: '待明确',
        note: '责任单位尚未明确,无人承担',
      });
    ws.commit();
    taskSheets += 1;
  }
  // 一单位一档: one sheet per unit
  let unitSheets = 0;
  const byUnit = new Map<string, typeof parts>();
  for (const a of parts) byUnit.set(a.unitId, [...(byUnit.get(a.unitId) ?? []), a]);
  for (const [unitId, list] of [...byUnit].sort((p, q) =>
    (units.get(p[0]) ?? '').localeCompare(units.get(q[0]) ?? '', 'zh-CN'),
  )) {
    const name = units.get(unitId) ?? unitId;
    const score = x.scores?.byUnit.get(unitId);
    const ws = newSheet(
      wb,
      name,
      `${name} ${year}年度督办台账`,
      `承担 ${list.length} 项重点任务${score !== undefined ? ` · 考评得分 ${score}` : ''}`,
      COLUMNS,
      footer,
    );
    list.forEach((a, i) => addRow(ws, rowOf(a, tasks.get(a.taskId)!, i + 1)));
    ws.commit();
    unitSheets += 1;
  }
  await wb.commit();
  return { rows: parts.length, taskSheets, unitSheets, ...own, lastHash: facts.lastHash, lastSeq: facts.lastSeq };
}

/** 领导批示件 registered in the year (a unit's export: those it carries). */
function instructionRows(x: LedgerExportInput, year: number, units: ReadonlyMap<string, string>): ListSheet {
  const list = Object.values(x.state.instructions ?? {})
    .filter((i) => shanghaiDate(new Date(i.registeredAt)).startsWith(String(year)))
    .flatMap((i) => {
      const task = x.state.tasks.find((t) => t.id === i.taskId);
      const parts = x.state.assignments.filter((a) => a.taskId === i.taskId);
      return task && (!x.unitIds || parts.some((a) => x.unitIds!.has(a.unitId))) ? [{ i, task, parts }] : [];
    })
    .sort((a, b) => a.i.seq - b.i.seq);
  return {
    name: '领导批示件',
    title: `${year}年度领导批示件`,
    subtitle: `共 ${list.length} 件 · 已反馈领导 ${list.filter((e) => e.i.reported).length} 件`,
    columns: [
      { header: '编号', key: 'no', width: 8 },
      { header: '批示领导', key: 'leader', width: 12 },
      { header: '批示内容', key: 'text', width: 36 },
      { header: '来文及文号', key: 'doc', width: 24 },
      { header: '缓急', key: 'urgency', width: 6 },
      { header: '办结时限', key: 'due', width: 11 },
      { header: '承办单位(签收/办结)', key: 'units', width: 28 },
      { header: '反馈领导', key: 'reported', width: 11 },
    ],
    rows: list.map(({ i, task, parts }) => ({
      no: `批示件${task.number}`,
      leader: i.leader,
      text: i.text,
      doc: `《${i.docTitle}》${i.docNo ? `\n${i.docNo}` : ''}`,
      urgency: URGENCY_NAMES[i.urgency],
      due: task.schedule.due ?? '',
      units: parts
        .map((a) => {
          const ack = obligationsOfAssignment(x.state, a.id).find((o) => o.kind === 'acknowledge');
          return `${units.get(a.unitId) ?? a.unitId}(${a.role === 'lead' ? '牵头' : '配合'}):${ack?.doneAt ? `${shanghaiDate(new Date(ack.doneAt))}签收` : '未签收'}${a.status === 'closed' ? ',已办结' : ''}`;
        })
        .join('\n'),
      reported: i.reported ? shanghaiDate(new Date(i.reported.at)) : '',
    })),
  };
}

/** 容错免责 claims about the year (a unit's export: its own). */
function exemptionRows(x: LedgerExportInput, year: number, units: ReadonlyMap<string, string>): ListSheet {
  const list = Object.values(x.state.exemptions ?? {})
    .filter((e) => e.year === year && (!x.unitIds || x.unitIds.has(e.unitId)))
    .sort((a, b) => a.seq - b.seq);
  return {
    name: '容错免责',
    title: `${year}年度容错免责`,
    subtitle: `共 ${list.length} 件 · 予以免责 ${list.filter((e) => e.state === 'accepted').length} 件`,
    columns: [
      { header: '编号', key: 'no', width: 8 },
      { header: '单位', key: 'unit', width: 12 },
      { header: '事由', key: 'about', width: 30 },
      { header: '情形', key: 'ground', width: 14 },
      { header: '事实经过', key: 'text', width: 34 },
      { header: '涉及扣分', key: 'points', width: 8 },
      { header: '决定', key: 'decision', width: 26 },
      { header: '台账记录', key: 'refs', width: 12 },
    ],
    rows: list.map((e) => ({
      no: e.id,
      unit: units.get(e.unitId) ?? e.unitId,
      about: e.about,
      ground: e.ground,
      text: e.text,
      points: e.points,
      decision: `${EXEMPTION_STATE_NAMES[e.state]}${e.state === 'accepted' && e.decision?.keep ? `(扣分按 ${e.decision.keep * 100}% 计)` : ''}${e.decision?.comment ? `:${e.decision.comment}` : ''}${e.leader ? `;区领导${e.leader.agreed ? '同意' : '不同意'}` : ''}`,
      refs: e.refs.map((r) => `#${r}`).join(' '),
    })),
  };
}

/** A sheet of one kind of record: its name, title, columns and rows (none: no sheet). */
interface ListSheet {
  name: string;
  title: string;
  subtitle: string;
  columns: typeof COLUMNS;
  rows: Array<Record<string, string | number>>;
}

function listSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, x: LedgerExportInput, footer: string, s: ListSheet): number {
  if (s.rows.length === 0) return 0;
  const ws = newSheet(wb, s.name, `${x.district} ${s.title}`, s.subtitle, s.columns, footer);
  for (const row of s.rows) addRow(ws, row, s.columns);
  ws.commit();
  return s.rows.length;
}

/** 试点示范: pilots approved in the year and experiences adopted (越城样本 marked), a unit's own in its export. */
function pilotRows(x: LedgerExportInput, year: number, units: ReadonlyMap<string, string>): ListSheet {
  const inYear = (at: string | undefined) => at !== undefined && shanghaiDate(new Date(at)).startsWith(String(year));
  const mine = (unitId: string) => !x.unitIds || x.unitIds.has(unitId);
  const pilots = Object.values(x.state.pilots ?? {}).filter(
    (p) => mine(p.unitId) && inYear(p.approvedAt ?? p.createdAt),
  );
  const samples = Object.values(x.state.experiences ?? {}).filter(
    (e) => mine(e.unitId) && e.state === 'adopted' && inYear(e.decision?.at),
  );
  return {
    name: '试点示范',
    title: `${year}年度试点示范与典型经验`,
    subtitle: `试点 ${pilots.length} 项 · 采纳经验 ${samples.length} 篇(越城样本 ${samples.filter((e) => e.sample).length} 篇)`,
    columns: [
      { header: '类别', key: 'kind', width: 10 },
      { header: '单位', key: 'unit', width: 12 },
      { header: '名称', key: 'name', width: 40 },
      { header: '级别/状态', key: 'status', width: 16 },
      { header: '批复文件/审阅意见', key: 'doc', width: 30 },
    ],
    rows: [
      ...pilots.map((p) => ({
        kind: '试点',
        unit: units.get(p.unitId) ?? p.unitId,
        name: p.name,
        status: `${PILOT_LEVEL_NAMES[p.level]} · ${PILOT_STATUS_NAMES[p.status]}`,
        doc: p.doc ?? '',
      })),
      ...samples.map((e) => ({
        kind: e.sample ? '越城样本' : '典型经验',
        unit: units.get(e.unitId) ?? e.unitId,
        name: e.title,
        status: e.publishedAt ? '已通报' : '已采纳',
        doc: e.decision?.comment ?? '',
      })),
    ],
  };
}

/** 第三方评估: each finding of the year's evaluations, its score, 整改 and 二次评估. */
function evaluationRows(x: LedgerExportInput, year: number, units: ReadonlyMap<string, string>): ListSheet {
  const list = Object.values(x.state.evaluations ?? {}).filter((e) => e.year === year);
  const findings = list.flatMap((e) =>
    e.findings.filter((f) => !x.unitIds || x.unitIds.has(f.unitId)).map((f) => ({ e, f })),
  );
  return {
    name: '第三方评估',
    title: `${year}年度第三方评估`,
    subtitle: `${list.length} 次评估 · ${findings.length} 条发现 · 需整改 ${findings.filter(({ f }) => f.rectify).length} 条`,
    columns: [
      { header: '评估', key: 'evaluation', width: 24 },
      { header: '单位', key: 'unit', width: 12 },
      { header: '评估发现', key: 'text', width: 40 },
      { header: '评分', key: 'score', width: 6 },
      { header: '整改期限', key: 'due', width: 11 },
      { header: '二次评估', key: 'recheck', width: 20 },
    ],
    rows: findings.map(({ e, f }) => ({
      evaluation: `${e.title}(${e.org})`,
      unit: units.get(f.unitId) ?? f.unitId,
      text: f.text,
      score: f.score ?? '',
      due: f.rectify?.due ?? '',
      recheck: f.recheck
        ? `${f.recheck.passed ? '整改到位' : '仍未到位'}${f.recheck.text ? `:${f.recheck.text}` : ''}`
        : '',
    })),
  };
}

/** 督办通知单 of the year (a unit's export: its own), in the order issued. */
function noticeSheetRows(x: LedgerExportInput, year: number, units: ReadonlyMap<string, string>): ListSheet {
  const list = Object.values(x.state.noticeSheets ?? {})
    .filter((s) => s.year === year && (!x.unitIds || x.unitIds.has(s.unitId)))
    .sort((a, b) => a.seq - b.seq);
  const day = (iso: string) => shanghaiDate(new Date(iso));
  return {
    name: '督办通知单',
    title: `${year}年度督办通知单`,
    subtitle: `共 ${list.length} 份 · 红色 ${list.filter((s) => s.level === 'red').length} 份 · 已回复 ${list.filter((s) => s.answer).length} 份`,
    columns: [
      { header: '序号', key: 'no', width: 6 },
      { header: '文号', key: 'number', width: 16 },
      { header: '等级', key: 'level', width: 6 },
      { header: '单位', key: 'unit', width: 12 },
      { header: '督办事项', key: 'items', width: 36 },
      { header: '督办事由', key: 'text', width: 26 },
      { header: '发出', key: 'issued', width: 11 },
      { header: '回复期限', key: 'replyBy', width: 11 },
      { header: '签收(回执)', key: 'signed', width: 11 },
      { header: '办理情况回复', key: 'answer', width: 30 },
      { header: '升级', key: 'escalated', width: 16 },
    ],
    rows: list.map((s, i) => ({
      no: i + 1,
      number: s.number,
      level: SHEET_LEVEL_NAMES[s.level],
      unit: units.get(s.unitId) ?? s.unitId,
      items: s.items.map((it) => `${it.name}(${it.state})`).join('\n'),
      text: s.text,
      issued: day(s.issuedAt),
      replyBy: s.replyBy,
      signed: s.signed ? day(s.signed.at) : '未签收',
      answer: s.answer ? `${day(s.answer.at)} ${s.answer.text}` : s.replyBy < shanghaiDate(x.now) ? '逾期未回复' : '',
      escalated: [
        s.escalated?.unsigned ? `${s.escalated.unsigned} 未签收告知领导` : '',
        s.escalated?.unanswered ? `${s.escalated.unanswered} 逾期告知领导` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    })),
  };
}
