import type { DraftPlan, DraftTask } from './draft.js';
import { chineseNumeral, nameKey } from './normalize.js';

export type Column = 'number' | 'title' | 'units' | 'lead' | 'co' | 'time' | 'leaders' | 'note';

const HEADERS: Array<[RegExp, Column]> = [
  [/^(序号|编号|序|项次|No\.?)$/i, 'number'],
  [/^(牵头单位|牵头责任单位|牵头部门|主办单位|牵头责任部门)$/, 'lead'],
  [/^(配合单位|协同单位|协同责任单位|协办单位|配合部门|配合责任单位|参与单位)$/, 'co'],
  [/^(责任\(牵头\)单位|责任单位|责任部门|责任主体|实施单位)$/, 'units'],
  [/^(时间要求|完成时限|完成时间|时限|时限要求|时间节点|进度要求|完成期限)$/, 'time'],
  [/^(牵头负责领导|责任领导|分管领导|牵头领导|联系领导|负责领导)$/, 'leaders'],
  [/^(备注|说明)$/, 'note'],
  [/^(重点任务|主要任务|任务|工作任务|任务内容|工作内容|具体任务|目标任务|重点工作|工作事项|事项|任务名称|项目)$/, 'title'],
];

/** Maps header cells to columns by name (not position); undefined unless there is a task column and one more. */
export function mapHeader(cells: readonly string[]): Map<number, Column> | undefined {
  const map = new Map<number, Column>();
  cells.forEach((cell, index) => {
    const key = nameKey(cell);
    const found = HEADERS.find(([re]) => re.test(key));
    if (found && ![...map.values()].includes(found[1])) map.set(index, found[1]);
  });
  const columns = [...map.values()];
  const hasUnits = columns.some((c) => c === 'units' || c === 'lead');
  return columns.includes('title') && (hasUnits || columns.length >= 3) ? map : undefined;
}

const HEADING_ROW = /^(?:([一二三四五六七八九十]+)[、.]|\(([一二三四五六七八九十]+)\))\s*(.+)$/;

/**
 * Adds one data row of a task table to the draft. A row holding only a heading (一、… or (一)…,
 * typically merged across the row) starts a section; a row without a task is skipped with a reason.
 */
export interface TableContext {
  header: Map<number, Column>;
  /** The section started by the last heading row of this table. */
  section?: number;
}

export function addTableRow(draft: DraftPlan, table: TableContext, cells: readonly string[], line: number): void {
  const get = (column: Column): string => {
    for (const [index, c] of table.header) if (c === column) return (cells[index] ?? '').trim();
    return '';
  };
  const nonEmpty = [...new Set(cells.map((c) => c.trim()).filter((c) => c !== ''))];
  if (nonEmpty.length === 0) return;
  const heading = nonEmpty.length === 1 ? HEADING_ROW.exec(nonEmpty[0]!) : null;
  if (heading) {
    const number = chineseNumeral(heading[1] ?? heading[2] ?? '') ?? draft.sections.length + 1;
    draft.sections.push({ number, label: heading[1] ? `${heading[1]}、` : `(${heading[2]})`, title: heading[3]!.trim(), line });
    table.section = number;
    return;
  }
  const title = get('title');
  if (title === '') {
    draft.skipped.push({ line, text: cells.join(' | '), reason: '表格行没有任务内容' });
    return;
  }
  const numberText = get('number');
  const parsed = /^\d+$/.test(numberText) ? Number(numberText) : chineseNumeral(numberText.replace(/[()、.]/g, ''));
  const keys = draft.tasks.filter((t) => t.kind === 'key');
  const task: DraftTask = {
    kind: 'key',
    number: parsed ?? (keys.at(-1)?.number ?? 0) + 1,
    label: numberText || String((keys.at(-1)?.number ?? 0) + 1),
    title: title.replace(/[。;]$/, ''),
    body: title,
    leaders: get('leaders') ? get('leaders').split(/[,、;\s]+/).filter(Boolean) : [],
    sectionNumber: table.section,
    line,
  };
  if (get('units')) task.unitsText = get('units');
  if (get('lead')) task.leadText = get('lead');
  if (get('co')) task.coText = get('co');
  if (get('time')) task.timeText = get('time');
  draft.tasks.push(task);
}
