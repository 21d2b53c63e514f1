import { HEADING_ROW, headerColumn, mapHeader } from './table.js';
import type { Block, Row } from './block.js';

const PIPE = (t: string): boolean => (t.match(/\|/g) ?? []).length >= 2;
const TABBED = (t: string): boolean => t.includes('\t') && t.split('\t').filter((c) => c.trim() !== '').length >= 2;
const ROW_START = /^\d{1,4}$/;
const NOTE = /^(注|备注|说明|附件)\s*[::]?/;

/** Lines of plain text (already normalised, `\n`-separated) into blocks. */
export function textBlocks(text: string): Block[] {
  const lines = text.split('\n').map((t, i) => ({ no: i + 1, raw: t, text: t.trim() }));
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length;) {
    const { no, raw, text: t } = lines[i]!;
    if (t === '') {
      i += 1;
      continue;
    }
    if (PIPE(t)) {
      const rows: Row[] = [];
      // a table drawn with borders (| a | b |) from its first row; otherwise a leading | is an empty first cell
      const bordered = lines[i]!.text.startsWith('|');
      for (; i < lines.length && PIPE(lines[i]!.text); i += 1)
        rows.push({ line: lines[i]!.no, cells: splitPipe(lines[i]!.text, bordered) });
      blocks.push({ kind: 'table', line: no, rows });
      continue;
    }
    if (TABBED(raw)) {
      const { rows, next } = readTabbed(lines, i);
      blocks.push({ kind: 'table', line: no, rows });
      i = next;
      continue;
    }
    const cells = readCellsPerLine(lines, i);
    if (cells) {
      blocks.push({ kind: 'table', line: no, rows: cells.rows });
      i = cells.next;
      continue;
    }
    blocks.push({ kind: 'line', line: no, text: t });
    i += 1;
  }
  return blocks;
}

function splitPipe(t: string, bordered: boolean): string[] {
  return (bordered ? t.replace(/^\|/, '').replace(/\|$/, '') : t).split('|').map((c) => c.trim());
}

type Line = { no: number; raw: string; text: string };

/**
 * Tab-separated rows, as a table copied from Word, WPS or Excel arrives: a cell holding several
 * lines comes quoted ("区发改局\n区财政局"), and a row may continue on the next line.
 */
function readTabbed(lines: readonly Line[], from: number): { rows: Row[]; next: number } {
  const rows: Row[] = [];
  let i = from;
  while (i < lines.length && TABBED(lines[i]!.raw)) {
    const start = lines[i]!.no;
    let text = lines[i]!.raw;
    i += 1;
    // an unclosed quoted cell continues on the following lines
    while (openQuote(text) && i < lines.length) {
      text += `\n${lines[i]!.raw}`;
      i += 1;
    }
    rows.push({ line: start, cells: splitTabbed(text) });
  }
  return { rows, next: i };
}

function openQuote(text: string): boolean {
  let open = false;
  for (const cell of text.split('\t')) {
    const c: string = open ? cell : cell.trimStart();
    if (!open && c.startsWith('"')) open = (c.slice(1).match(/"/g) ?? []).length % 2 === 0;
    else if (open) open = (c.match(/"/g) ?? []).length % 2 === 0;
  }
  return open;
}

function splitTabbed(text: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let k = 0; k < text.length; k += 1) {
    const ch = text[k]!;
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') {
        cur += '"';
        k += 1;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === '\t') {
      cells.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

/**
 * A table whose cells arrive one per line (copied out of a PDF): a run of at least three known
 * column names, one per line, then rows of as many cells. With a 序号 column a row starts at the
 * next number, and a row with more lines than columns has its task wrapped over several lines;
 * a heading line (一、…) between rows is a section row; the header repeated on a new page is left
 * out; a note (注:…) ends the table.
 */
function readCellsPerLine(lines: readonly Line[], from: number): { rows: Row[]; next: number } | undefined {
  const nonEmpty: number[] = [];
  for (let k = from; k < lines.length && nonEmpty.length < 12; k += 1) if (lines[k]!.text !== '') nonEmpty.push(k);
  let n = 0;
  while (n < nonEmpty.length && headerColumn(lines[nonEmpty[n]!]!.text)) n += 1;
  // one cell per paragraph: a header may hold a word we do not know (主责部门); the run of short
  // paragraphs before the first row is the header when it names a task column and one more
  if (n < 3) n = paragraphHeader(lines, nonEmpty) ?? n;
  if (n < 3 && !(n === 2 && nonEmpty.slice(0, 2).every((k, j) => j === 0 || k - nonEmpty[j - 1]! > 1)))
    return undefined;
  const headerCells = nonEmpty.slice(0, n).map((k) => lines[k]!.text);
  const header = mapHeader(headerCells);
  if (!header) return undefined;
  const numbered = header.get(0) === 'number';
  const titleAt = [...header].find(([, c]) => c === 'title')![0];
  const rows: Row[] = [{ line: lines[from]!.no, cells: headerCells }];
  // cells separated by blank lines (a table flattened one cell per paragraph): the lines between two
  // blanks are one cell (several units, a task wrapped over lines)
  const blankSeparated = nonEmpty.slice(1, n).every((line, j) => line - nonEmpty[j]! > 1);
  const seq = blankSeparated ? cellsOfParagraphs(lines, nonEmpty.at(n - 1)! + 1) : lines;
  let k = blankSeparated ? 0 : nonEmpty.at(n - 1)! + 1;
  let current: { line: number; cells: string[] } | undefined;
  let expected = 1;
  const finish = (): void => {
    if (!current) return;
    const c = current.cells;
    // a task wrapped over several lines: its continuation lines join the task cell
    if (c.length > n) c.splice(titleAt, c.length - n + 1, c.slice(titleAt, titleAt + c.length - n + 1).join(''));
    rows.push({ line: current.line, cells: c });
    current = undefined;
  };
  for (; k < seq.length; k += 1) {
    const t = seq[k]!.text;
    if (t === '') continue;
    if (NOTE.test(t)) break;
    // the header again (a new page): skip it
    if (t === headerCells[0] && headerCells.slice(1).every((h, j) => seq[k + 1 + j]?.text === h)) {
      finish();
      k += n - 1;
      continue;
    }
    const startsRow = numbered
      ? ROW_START.test(t) && (Number(t) === expected || (current === undefined && Number(t) >= expected))
      : current === undefined || current.cells.length >= n;
    if (startsRow) {
      finish();
      current = { line: seq[k]!.no, cells: [t] };
      if (numbered) expected = Number(t) + 1;
      continue;
    }
    if (HEADING_ROW.test(t) && (!current || current.cells.length >= n - 1)) {
      finish();
      rows.push({ line: seq[k]!.no, cells: [t] });
      continue;
    }
    if (!current) break;
    // a row far longer than the header: the table has ended, this is text after it
    if (current.cells.length >= n + 3) {
      k -= current.cells.length - n;
      current.cells.length = n;
      break;
    }
    current.cells.push(t);
  }
  finish();
  if (!blankSeparated) return { rows, next: k };
  return { rows, next: k < seq.length ? (seq[k] as Paragraph).first : lines.length };
}

type Paragraph = Line & { first: number };

/**
 * The header of a table one cell per paragraph: the short single-line paragraphs (blank lines
 * between them) up to the first row number or the first long cell; its length when at least two
 * of them are known column names, one of them the task column.
 */
function paragraphHeader(lines: readonly Line[], nonEmpty: readonly number[]): number | undefined {
  let n = 0;
  for (; n < nonEmpty.length; n += 1) {
    const k = nonEmpty[n]!;
    const t = lines[k]!.text;
    if (n > 0 && k - nonEmpty[n - 1]! < 2) break; // not a blank line before it: not one cell per paragraph
    if (/^\d{1,4}$/.test(t) && n > 0) break; // the first row
    if (t.length > 12 || HEADING_ROW.test(t)) break;
  }
  const cells = nonEmpty.slice(0, n).map((k) => lines[k]!.text);
  const known = cells.filter((c) => headerColumn(c)).length;
  return known >= 2 && cells.some((c) => headerColumn(c) === 'title') ? n : undefined;
}

/** The paragraphs from `from` on: runs of non-blank lines, each one cell (its lines joined by \n). */
function cellsOfParagraphs(lines: readonly Line[], from: number): Paragraph[] {
  const out: Paragraph[] = [];
  for (let k = from; k < lines.length;) {
    if (lines[k]!.text === '') {
      k += 1;
      continue;
    }
    const first = k;
    const parts: string[] = [];
    for (; k < lines.length && lines[k]!.text !== ''; k += 1) parts.push(lines[k]!.text);
    out.push({ no: lines[first]!.no, raw: parts.join('\n'), text: parts.join('\n'), first });
  }
  return out;
}
