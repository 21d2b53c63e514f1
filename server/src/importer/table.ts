import type { Block } from './block.js';
import { FIRST_IS_LEAD_NOTE, type ColumnChoice, type DraftPlan, type DraftTask, type TableColumn } from './draft.js';
import { chineseNumeral, nameKey } from '../naming/names.js';

export type Column = TableColumn;

const HEADERS: Array<[RegExp, Column]> = [
  [/^(序号|编号|序|项次|No\.?)$/i, 'number'],
  [/^(牵头单位|牵头责任单位|牵头部门|主办单位|牵头责任部门|主责单位|主责部门|主办部门|责任牵头单位)$/, 'lead'],
  [/^(配合单位|协同单位|协同责任单位|协办单位|配合部门|配合责任单位|参与单位|协同部门|参与部门)$/, 'co'],
  [/^(责任\(牵头\)单位|责任单位|责任部门|责任主体|实施单位|承办单位|责任处室|落实单位)$/, 'units'],
  [/^(时间要求|完成时限|完成时间|时限|时限要求|时间节点|进度要求|完成期限|时间安排)$/, 'time'],
  [
    /^(牵头负责领导|责任领导|分管领导|牵头领导|联系领导|负责领导|(牵头|责任|分管|联系|负责)(省|市|区|县)领导|分管副?(省|市|区|县)长)$/,
    'leaders',
  ],
  [/^(备注|说明)$/, 'note'],
  [/^(上级部署任务|上级部署|上级任务|部署任务|上级重点任务|上级工作要求|上级部署要求|省市部署任务)$/, 'upper'],
  [/^(类别|分类|类型|板块|领域|指标类别)$/, 'category'],
  [
    /^((\d{4}年)?(预期|主要|年度)?(目标|指标)(任务|名称)?|重点任务|主要任务|任务|工作任务|任务内容|工作内容|具体任务|目标任务|重点工作|重点工作任务|主要内容|主要工作|工作事项|事项|任务名称|项目|项目名称|事项名称|工作名称|主要目标任务|目标任务及举措|项目内容|项目及目标|建设内容|实事项目|项目名称及内容|本级落实措施|落实措施|具体措施|工作措施|主要措施|工作举措|具体举措|重点举措|推进措施|具体工作措施|贯彻落实措施)$/,
    'title',
  ],
];

/** A bracketed note in a header cell (责任单位(排名第一的为牵头单位)) is not part of its name. */
const HEADER_NOTE = /\(([^()]*(?:牵头|下同|排名|第一|排序)[^()]*)\)/;

/** The column a header cell names, if it names one. */
export function headerColumn(cell: string): Column | undefined {
  const key = nameKey(cell).replace(HEADER_NOTE, '');
  return HEADERS.find(([re]) => re.test(key))?.[1];
}

/** Notes found in header cells, such as 排名第一的为牵头单位: conventions the import must apply and report. */
export function headerNotes(cells: readonly string[]): string[] {
  return cells.map((c) => HEADER_NOTE.exec(nameKey(c))?.[1]).filter((n): n is string => !!n);
}

/** Maps header cells to columns by name (not position); undefined unless there is a task column and one more. */
export function mapHeader(cells: readonly string[]): Map<number, Column> | undefined {
  const map = new Map<number, Column>();
  cells.forEach((cell, index) => {
    const column = headerColumn(cell);
    if (column && ![...map.values()].includes(column)) map.set(index, column);
  });
  const columns = [...map.values()];
  const hasUnits = columns.some((c) => c === 'units' || c === 'lead');
  return columns.includes('title') && (hasUnits || columns.length >= 3) ? map : undefined;
}

/** A section heading: 一、… or (一)… (a row holding only this starts a section). */
export const HEADING_ROW = /^(?:([一二三四五六七八九十]+)[、.]|\(([一二三四五六七八九十]+)\))\s*(.+)$/;

/**
 * Adds one data row of a task table to the draft. A row holding only a heading (一、… or (一)…,
 * typically merged across the row) starts a section; a row without a task is skipped with a reason.
 */
export interface TableContext {
  header: Map<number, Column>;
  /** The section started by the last heading row of this table. */
  section?: number;
  /** The upper task of the rows since it was last written (a continuing row leaves it out). */
  upper?: string;
  /** The task of the row above: a sub-row (no 序号, no task, its own leader and units) adds to it. */
  last?: DraftTask;
}

/**
 * Reads a table block, whatever its source: the header row is found by name among its first rows
 * (single-value rows above it are the title or prose); then every row is a task, a section row
 * (一、… / (一)…), a category row (a single label such as 主要指标), a note, or the header
 * repeated (a new page) — left out.
 */
export function addTable(
  draft: DraftPlan,
  block: Extract<Block, { kind: 'table' }>,
  section?: number,
  choices: readonly ColumnChoice[] = [],
): void {
  // the 督考办's reading of this table (the import page's column step) wins over detection
  const choice = choices.find((c) => c.line === block.line && c.headerRow < block.rows.length);
  const chosen = choice && new Map(choice.columns.flatMap((c, i) => (c ? [[i, c] as const] : [])));
  const at = chosen ? choice.headerRow : block.rows.slice(0, 30).findIndex((r) => mapHeader(r.cells));
  const detected = at >= 0 ? (chosen ?? mapHeader(block.rows[at]!.cells)!) : undefined;
  draft.tables.push({
    line: block.line,
    rows: block.rows.slice(0, 6).map((r) => r.cells.map((c) => c.replace(/\s+/g, ' ').slice(0, 60))),
    headerRow: at >= 0 && at < 6 ? at : null,
    columns: Array.from(
      { length: Math.max(0, ...block.rows.slice(0, 6).map((r) => r.cells.length)) },
      (_, i) => detected?.get(i) ?? null,
    ),
    ...(chosen ? { chosen: true } : {}),
  });
  if (at < 0 || !detected || ![...detected.values()].includes('title')) {
    for (const r of block.rows)
      draft.skipped.push({
        line: r.line,
        text: r.cells.filter(Boolean).join(' | '),
        reason: '表格中找不到表头(序号/重点任务/牵头单位/责任单位/时间要求)',
      });
    return;
  }
  for (const r of block.rows.slice(0, at)) {
    const values = [...new Set(r.cells.filter(Boolean))];
    if (values.length === 1 && !draft.meta.title) draft.meta.title = values[0]!.replace(/\s+/g, '');
    else if (values.length > 0) draft.prose.push({ line: r.line, text: values.join(' ') });
  }
  const headerCells = block.rows[at]!.cells;
  for (const note of headerNotes(headerCells)) {
    draft.conventions.push({ line: block.rows[at]!.line, text: note });
    if (FIRST_IS_LEAD_NOTE.test(note)) draft.firstIsLeadStated = true;
  }
  const table: TableContext = { header: detected, ...(section !== undefined ? { section } : {}) };
  const headerKey = headerCells.map((c) => c.replace(/\s+/g, '')).join('|');
  for (const r of block.rows.slice(at + 1)) {
    if (r.cells.map((c) => c.replace(/\s+/g, '')).join('|') === headerKey) continue;
    const values = [...new Set(r.cells.filter(Boolean))];
    if (values.length === 1 && /^(注|备注|说明)[::]/.test(values[0]!)) {
      if (FIRST_IS_LEAD_NOTE.test(values[0]!)) {
        draft.firstIsLeadStated = true;
        draft.conventions.push({ line: r.line, text: values[0]! });
      }
      draft.prose.push({ line: r.line, text: values[0]! });
      continue;
    }
    addTableRow(draft, table, r.cells, r.line);
  }
}

export function addTableRow(draft: DraftPlan, table: TableContext, cells: readonly string[], line: number): void {
  const get = (column: Column): string => {
    for (const [index, c] of table.header) if (c === column) return (cells[index] ?? '').trim();
    return '';
  };
  const nonEmpty = [...new Set(cells.map((c) => c.trim()).filter((c) => c !== ''))];
  if (nonEmpty.length === 0) return;
  const heading = nonEmpty.length === 1 ? HEADING_ROW.exec(nonEmpty[0]!.replace(/\s*\n\s*/g, '')) : null;
  if (heading) {
    const number = chineseNumeral(heading[1] ?? heading[2] ?? '') ?? draft.sections.length + 1;
    draft.sections.push({
      number,
      label: heading[1] ? `${heading[1]}、` : `(${heading[2]})`,
      title: heading[3]!.trim(),
      line,
    });
    table.section = number;
    return;
  }
  // a label alone on its row (主要指标, 民生实事), or the category column alone: a category, not a task
  const only = nonEmpty.length === 1 ? cells.findIndex((c) => c.trim() !== '') : -1;
  if (
    only >= 0 &&
    !/^\d+$/.test(nonEmpty[0]!) &&
    (table.header.get(only) === 'category' ||
      ((only === 0 || table.header.get(only) === 'title') && nonEmpty[0]!.length <= 20))
  ) {
    draft.prose.push({ line, text: nonEmpty[0]! });
    return;
  }
  const title = get('title').replace(/\s*\n\s*/g, '');
  if (title === '' && table.last && !get('number') && (get('lead') || get('co') || get('units'))) {
    addSubRow(table.last, get);
    return;
  }
  if (title === '') {
    draft.skipped.push({ line, text: cells.join(' | '), reason: '表格行没有任务内容' });
    return;
  }
  const keys = draft.tasks.filter((t) => t.kind === 'key');
  // with an upper-task column, 序号 numbers the upper tasks: each row's measure is a task of its own
  const hasUpper = [...table.header.values()].includes('upper');
  if (hasUpper && get('upper')) table.upper = get('upper').replace(/\s*\n\s*/g, '');
  const numberText = hasUpper ? '' : get('number');
  const parsed = /^\d+$/.test(numberText) ? Number(numberText) : chineseNumeral(numberText.replace(/[()、.]/g, ''));
  const task: DraftTask = {
    kind: 'key',
    number: parsed ?? (keys.at(-1)?.number ?? 0) + 1,
    label: numberText || String((keys.at(-1)?.number ?? 0) + 1),
    title: title.replace(/[。;]$/, ''),
    body: hasUpper && table.upper ? `${title}\n上级部署任务:${table.upper}` : title,
    leaders: get('leaders')
      ? get('leaders')
          .split(/[,、;\s]+/)
          .filter(Boolean)
      : [],
    sectionNumber: table.section,
    line,
  };
  if (get('units')) task.unitsText = get('units');
  if (get('lead')) task.leadText = get('lead');
  if (get('co')) task.coText = get('co');
  if (get('time')) task.timeText = get('time');
  draft.tasks.push(task);
  table.last = task;
}

/**
 * A sub-row of the task above (an item shared by several leaders, each with their own 牵头 and
 * 配合 units): its leader and units join the task's; its 完成时限 is the task's where the task has none (a merged cell).
 */
function addSubRow(task: DraftTask, get: (column: Column) => string): void {
  const join = (a: string | undefined, b: string): string | undefined => (b ? (a ? `${a}、${b}` : b) : a);
  const leaders = get('leaders')
    .split(/[,、;\s]+/)
    .filter((l) => l && !task.leaders.includes(l));
  task.leaders.push(...leaders);
  const units = join(task.unitsText, get('units'));
  const lead = join(task.leadText, get('lead'));
  const co = join(task.coText, get('co'));
  if (units) task.unitsText = units;
  if (lead) task.leadText = lead;
  if (co) task.coText = co;
  if (get('time') && !task.timeText) task.timeText = get('time');
}
