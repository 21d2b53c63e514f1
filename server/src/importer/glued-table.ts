import type { Block, Row } from './block.js';
import { HEADING_ROW, headerColumn, mapHeader, type Column } from './table.js';
import { LEVEL_START, LEADER_TITLE, PERSON, UNIT_SUFFIX } from './unit-words.js';

/**
 * A table flattened with no separators at all — what a PDF's text layer gives for a table whose
 * borders were lines: each row's cells run together ("1全面完成…增长6.5%张三区发改局区统计局
 * 2022年12月底"), a cell wraps onto the next line, the header comes back on each page, a page
 * number stands between two lines of one cell, and an item has several sub-rows, each with its own
 * 分管领导 / 牵头 / 配合. The header names the columns; the rows are cut from the right, where the
 * cells have a shape: the 完成时限 (a date or a period word), then a run of unit names (known to the
 * directory, or shaped like one: an administrative level … a unit ending), then the leader (a
 * known one, a name with a title, or the short name after the task's last punctuation); what is
 * left is the task. The result is an ordinary table block: the table reader does the rest.
 */

/** The columns this reader can cut a run-together row into. */
const READABLE = new Set<Column>(['number', 'title', 'leaders', 'lead', 'co', 'units', 'time']);

const DATE = String.raw`(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月(?:\d{1,2}日)?)(?:底|末|中旬|上旬|下旬|份|中)?(?:前|以前)?`;
const PERIOD_WORDS =
  '长期坚持|长期|持续推进|持续开展|全年|年内|年底前|年底|每季度|每月|每年|按序时推进|按时序推进|上半年|下半年|第?[一二三四]季度末?';
/** A 完成时限 at the end of a run-together row. */
const TIME_TAIL = new RegExp(`(?:${DATE}(?:[-—~至到]${DATE})?|${PERIOD_WORDS})(?:完成)?$`);
/** A row's 序号 run into its task: "1全面…", "12、推进…" (not 2022年…, not 6.5%). */
const ITEM = /^(\d{1,4})\s*[、..]?\s*(?=[^\d年月日%.,、])/u;
/** A line that is only a number: a page number ("- 2 -", "2、", "第2页"), or a 序号 alone. */
const BARE_NUMBER = /^[-—–_\s]*(?:第\s*)?(\d{1,3})\s*(?:页)?[、.]?[-—–_\s]*(?:\/\s*\d+)?$/;
const END = /^(注|备注|说明|附件)\s*[::]|^\d{4}年\d{1,2}月\d{1,2}日$/;
const TOWN_END = /(街道|镇|乡)$/;
const SEPARATOR = /[、,;]$/;
/** A name of three (or two) characters and a title at the end of a task's text. */
const TITLED = new RegExp(`(?:[\\u4e00-\\u9fa5]{3}|[\\u4e00-\\u9fa5]{2})(?:${LEADER_TITLE.source})$`);
/** Words that follow a number in a task (10家, 12个, 90%以上, 6.5%左右): the task's, not the leader's. */
const QUANTITY =
  /^(?:以上|以下|左右|以内|万|亿|千)?(?:家|个|项|所|座|条|处|户|人次|人|台|套|次|件|元|平方米|公里|千米|亩|吨|张|批|场|期|类|名|位|辆|间|栋|公顷|米)?(?:以上|以下|左右|以内)?/;

/** The header cells of a line whose column names run together, when every part is one the table reader knows. */
export function gluedHeader(text: string): string[] | undefined {
  if (/[|\t]/.test(text)) return undefined;
  const s = text.replace(/\s+/g, '');
  if (s.length < 6 || s.length > 80) return undefined;
  // the fewest cells, each a column name
  const best: Array<string[] | undefined> = [[]];
  for (let i = 1; i <= s.length; i += 1)
    for (let j = Math.max(0, i - 16); j < i; j += 1) {
      const before = best[j];
      const cell = s.slice(j, i);
      if (!before || !headerColumn(cell)) continue;
      if (!best[i] || best[i]!.length > before.length + 1) best[i] = [...before, cell];
    }
  const cells = best[s.length];
  const header = cells && cells.length >= 3 ? mapHeader(cells) : undefined;
  if (!cells || !header || header.size !== cells.length) return undefined;
  const columns = [...header.values()];
  if (!columns.every((c) => READABLE.has(c)) || !columns.some((c) => c === 'lead' || c === 'units')) return undefined;
  return cells;
}

interface Reading {
  columns: Column[];
  /** Unit and group names of the directory, normalised, longest first. */
  known: readonly string[];
  /** Leaders seen alone on a sub-row: where a task ends and its leader begins on an item row. */
  leaders: Set<string>;
}

/** Rewrites runs of line blocks that hold a run-together table into table blocks. */
export function gluedTables(blocks: readonly Block[], unitNames: readonly string[]): Block[] {
  const known = [...new Set(unitNames.map((n) => n.replace(/\s+/g, '')).filter((n) => n.length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  const out: Block[] = [];
  for (let i = 0; i < blocks.length;) {
    const block = blocks[i]!;
    const header = block.kind === 'line' ? gluedHeader(block.text) : undefined;
    if (!header) {
      out.push(block);
      i += 1;
      continue;
    }
    const columns = header.map((c) => headerColumn(c)!);
    const { rows, next } = readRows(blocks, i + 1, header, { columns, known, leaders: new Set() });
    out.push({ kind: 'table', line: block.line, rows: [{ line: block.line, cells: header }, ...rows] });
    i = next;
  }
  return out;
}

type Item = { line: number; number: string; lines: Array<{ line: number; text: string }> };

/** The table's rows from `from` on: items (each with its sub-rows) and section rows, up to a note, a date line or a table. */
function readRows(
  blocks: readonly Block[],
  from: number,
  header: readonly string[],
  reading: Reading,
): { rows: Row[]; next: number } {
  const parts: Array<Item | Row> = [];
  const headerKey = header.join('');
  let item: Item | undefined;
  let expected = 1;
  const open = (next: Item): void => {
    item = next;
    parts.push(next);
  };
  let i = from;
  for (; i < blocks.length; i += 1) {
    const block = blocks[i]!;
    if (block.kind !== 'line') break;
    const text = block.text.replace(/\s+/g, '');
    if (END.test(text)) break;
    if (text === headerKey) continue; // the header again, on a new page
    const bare = BARE_NUMBER.exec(text);
    if (bare) {
      // a 序号 alone starts the next item only where the item before is complete and the next line
      // does not start with a number of its own; otherwise it is a page number, between two lines of a cell
      const n = Number(bare[1]);
      const after = blocks[i + 1];
      const nextNumbered = after?.kind === 'line' && ITEM.test(after.text.replace(/\s+/g, ''));
      if (n === expected && !nextNumbered && (!item || complete(item, reading))) {
        open({ line: block.line, number: String(n), lines: [] });
        expected = n + 1;
      }
      continue;
    }
    const start = ITEM.exec(text);
    if (start && Number(start[1]) >= expected && Number(start[1]) <= expected + 3) {
      open({ line: block.line, number: start[1]!, lines: [{ line: block.line, text: text.slice(start[0].length) }] });
      expected = Number(start[1]) + 1;
      continue;
    }
    if (HEADING_ROW.test(text)) {
      item = undefined;
      parts.push({ line: block.line, cells: [text] });
      continue;
    }
    if (!item) break; // text after the table
    item.lines.push({ line: block.line, text });
  }
  // the leaders alone on sub-rows first: they mark where a task ends on the item rows
  for (const part of parts) if ('lines' in part) for (const l of part.lines.slice(1)) cut(l.text, 'sub', reading);
  return { rows: parts.flatMap((part) => ('lines' in part ? itemRows(part, reading) : [part])), next: i };
}

/** Whether an item's lines so far make a whole row (a later bare number is a 序号, not a page number). */
function complete(item: Item, reading: Reading): boolean {
  return item.lines.length > 0 && cut(item.lines.map((l) => l.text).join(''), 'item', reading) !== undefined;
}

/**
 * An item's lines as rows: the first row (序号, task, leader, units, time) and its sub-rows (a
 * leader, units, a time — the task cells left empty: the table reader adds them to the task).
 * A line that completes nothing yet waits for the next one (a cell wrapped over lines).
 */
function itemRows(item: Item, reading: Reading): Row[] {
  const rows: Row[] = [];
  let pending = '';
  let at = item.line;
  item.lines.forEach(({ line, text }, k) => {
    if (pending === '') at = line;
    pending += text;
    const first = rows.length === 0;
    const row = cut(pending, first ? 'item' : 'sub', reading);
    if (!row) return;
    // a first row with no 完成时限 is whole only where the next line is a sub-row of its own (or there is none)
    const last = k === item.lines.length - 1;
    const timed = !reading.columns.includes('time') || row.time !== '';
    if (first && !timed && !last && !cut(item.lines[k + 1]!.text, 'sub', reading)) return;
    rows.push({ line: at, cells: cellsOf(row, first ? item.number : '', reading) });
    pending = '';
  });
  if (rows.length === 0) return [{ line: item.line, cells: cellsOf(emptyCut(pending), item.number, reading) }];
  // a last line that is only a date: the 完成时限 of the row above (a merged cell)
  if (pending !== '' && TIME_TAIL.exec(pending)?.[0] === pending) {
    const last = rows.at(-1)!;
    const t = reading.columns.indexOf('time');
    if (t >= 0 && !last.cells[t]) last.cells[t] = pending;
  } else if (pending !== '') rows.push({ line: at, cells: [pending] }); // read as prose by the table reader
  return rows;
}

interface Cut {
  title: string;
  leaders: string;
  units: string[];
  time: string;
}

const emptyCut = (title: string): Cut => ({ title, leaders: '', units: [], time: '' });

/** Cuts a run-together row from the right: time, unit names, leader, task. */
function cut(text: string, kind: 'item' | 'sub', reading: Reading): Cut | undefined {
  let s = text;
  let time = '';
  if (reading.columns.includes('time')) {
    const m = TIME_TAIL.exec(s);
    if (m && m.index > 0) {
      time = m[0];
      s = s.slice(0, m.index);
    }
  }
  const run = unitRun(s, reading.known);
  if (run.names.length === 0) return undefined;
  const rest = s.slice(0, run.start);
  const hasLeaders = reading.columns.includes('leaders');
  if (kind === 'sub') {
    // a sub-row holds a leader (or nothing) before its units, and says who or when
    if (rest.length > 10 || (rest !== '' && !hasLeaders) || (rest === '' && time === '')) return undefined;
    if (rest) reading.leaders.add(rest);
    return { title: '', leaders: rest, units: run.names, time };
  }
  const leaderAt = hasLeaders ? leaderStart(rest, reading.leaders) : rest.length;
  const title = rest.slice(0, leaderAt).replace(/[,;]$/, '');
  if (title.length < 2) return undefined;
  return { title, leaders: rest.slice(leaderAt), units: run.names, time };
}

/**
 * The run of unit names at the end of `s`, from the right: each name is one the directory knows
 * or one shaped like a unit's name; the run goes on while the text before a name ends a name too
 * (or with a 、).
 */
function unitRun(s: string, known: readonly string[]): { start: number; names: string[] } {
  const names: string[] = [];
  let end = s.length;
  let start = end;
  while (end > 0) {
    const at = nameStart(s, end, known);
    if (at === undefined) break;
    names.unshift(s.slice(at, end));
    start = at;
    end = at;
    while (end > 0 && SEPARATOR.test(s.slice(0, end))) end -= 1;
    if (end === start && !endsName(s, end, known)) break;
  }
  return { start, names };
}

/** Whether a unit's name ends at `end` (the run of names may go on to the left). */
function endsName(s: string, end: number, known: readonly string[]): boolean {
  const before = s.slice(0, end);
  return UNIT_SUFFIX.test(before) || known.some((n) => before.endsWith(n));
}

/**
 * Where the unit name ending at `end` begins: the longest name the directory knows; else the
 * shortest piece shaped like a name (an administrative level or 各 … a unit ending; a town's two
 * characters before 街道/镇/乡) that begins where another name ends — or, at the run's left edge,
 * where no administrative level comes just before it (区市场监管局, not 市场监管局).
 */
function nameStart(s: string, end: number, known: readonly string[]): number | undefined {
  const before = s.slice(0, end);
  const name = known.find((n) => before.endsWith(n));
  if (name) return end - name.length;
  if (!UNIT_SUFFIX.test(before)) return undefined;
  const shaped: number[] = [];
  for (let at = end - 3; at >= Math.max(0, end - 16); at -= 1) {
    const piece = s.slice(at, end);
    if (!/^[\u4e00-\u9fa5()]+$/.test(piece)) break;
    if (LEVEL_START.test(piece) || piece.startsWith('各')) shaped.push(at);
  }
  const boundary = (at: number): boolean => at === 0 || endsName(s, at, known) || SEPARATOR.test(s.slice(0, at));
  const onBoundary = shaped.find(boundary);
  if (onBoundary !== undefined) return onBoundary;
  const edge = shaped.find((at) => !LEVEL_START.test(s.slice(at - 1, at)));
  if (edge !== undefined) return edge;
  const town = TOWN_END.exec(before);
  if (town && end - town[0].length - 2 >= 0) return end - town[0].length - 2;
  return shaped[0];
}

/**
 * Where the leader's name begins at the end of an item row's text before its units: a leader
 * seen on a sub-row; a name with a title (王建华副区长); the short run after the task's last
 * punctuation or number; else the last three characters (most names).
 */
function leaderStart(rest: string, leaders: ReadonlySet<string>): number {
  const seen = [...leaders]
    .filter((l) => rest.endsWith(l) && rest.length > l.length)
    .sort((a, b) => b.length - a.length);
  if (seen[0]) return rest.length - seen[0].length;
  // after the task's last number or punctuation, less the words that count or bound it (10家, 90%以上)
  const tail = /[^\u4e00-\u9fa5]([\u4e00-\u9fa5]+)$/.exec(rest)?.[1]?.replace(QUANTITY, '');
  if (tail && ((tail.length >= 2 && tail.length <= 4) || PERSON.test(tail))) return rest.length - tail.length;
  const titled = TITLED.exec(rest);
  if (titled) return rest.length - titled[0].length;
  return Math.max(2, rest.length - 3);
}

/** A cut row as the header's cells: the first unit leads where there are 牵头 and 配合 columns. */
function cellsOf(row: Cut, number: string, reading: Reading): string[] {
  const { columns } = reading;
  const split = columns.includes('lead') && columns.includes('co');
  return columns.map((c) => {
    switch (c) {
      case 'number':
        return number;
      case 'title':
        return row.title;
      case 'leaders':
        return row.leaders;
      case 'lead':
        return split ? (row.units[0] ?? '') : row.units.join('、');
      case 'co':
        return row.units.slice(1).join('、');
      case 'units':
        return row.units.join('、');
      case 'time':
        return row.time;
      default:
        return '';
    }
  });
}
