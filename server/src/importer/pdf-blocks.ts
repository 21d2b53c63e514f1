import type { StructuredTextItem } from 'unpdf';
import type { Block, Row } from './block.js';
import { ImportError } from './import-error.js';
import { normalizeText } from '../naming/names.js';
import { HEADING_ROW, mapHeader } from './table.js';

type Item = Pick<StructuredTextItem, 'str' | 'x' | 'y' | 'width' | 'fontSize'>;
interface Line {
  no: number;
  items: Item[];
}

/**
 * A PDF with a text layer as blocks. The text layer is a set of positioned runs, so lines are
 * rebuilt from their height on the page and cells from the gaps between runs. A line whose cells
 * name columns (序号, 重点任务, 牵头单位 …) starts a table: its cells' positions become the
 * columns, each later run falls into the column it starts under, a line with something in the
 * 序号 column starts a row and a line without continues the row above (a task wrapped over several
 * lines). The header repeated on a new page is left out; a note (注:…) or a full-width paragraph
 * ends the table. A PDF without text (a scan) is refused with a message.
 */
export async function pdfBlocks(content: Uint8Array): Promise<Block[]> {
  const { extractTextItems, getDocumentProxy } = await import('unpdf');
  let pages: Item[][];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(content));
    pages = (await extractTextItems(pdf)).items;
  } catch (error) {
    throw new ImportError(
      'IMPORT_NOT_PDF',
      `无法读取这个 PDF 文件(${(error as Error).message.slice(0, 80)})。如是加密或损坏的文件,请使用原始的 Word/WPS 文件导入`,
    );
  }
  if (!pages.some((p) => p.some((i) => i.str.trim() !== ''))) {
    throw new ImportError(
      'IMPORT_PDF_NO_TEXT',
      '这个 PDF 没有文字层(可能是扫描件或图片),无法识别。请使用原始的 Word/WPS 文件,或先用 OCR 软件转成文字后再导入',
    );
  }
  let no = 0;
  const lines: Line[] = [];
  for (const page of pages) {
    for (const items of pageLines(page)) lines.push({ no: (no += 1), items });
  }
  return layoutBlocks(lines);
}

/** Runs of one page grouped into lines (top to bottom), each line's runs left to right. */
function pageLines(items: readonly Item[]): Item[][] {
  const sorted = items.filter((i) => i.str.trim() !== '').sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Item[][] = [];
  for (const item of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(line[0]!.y - item.y) <= Math.max(1.5, item.fontSize * 0.4)) line.push(item);
    else lines.push([item]);
  }
  return lines.map((l) => l.sort((a, b) => a.x - b.x));
}

/** Runs into cells: a gap wider than about one character separates cells. */
function cellsOf(items: readonly Item[]): Array<{ x: number; end: number; text: string }> {
  const cells: Array<{ x: number; end: number; text: string }> = [];
  for (const i of items) {
    const last = cells.at(-1);
    if (last && i.x - last.end < Math.max(2, i.fontSize * 0.9)) {
      last.text += (i.x - last.end > i.fontSize * 0.25 && /[A-Za-z0-9]$/.test(last.text) ? ' ' : '') + i.str;
      last.end = Math.max(last.end, i.x + i.width);
    } else cells.push({ x: i.x, end: i.x + i.width, text: i.str });
  }
  return cells.map((c) => ({ x: c.x, end: c.end, text: normalizeText(c.text).trim() }));
}

const NOTE = /^(注|备注|说明|附件)\s*[::]/;

function layoutBlocks(lines: readonly Line[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const cells = cellsOf(lines[i]!.items);
    const texts = cells.map((c) => c.text);
    const header = cells.length >= 2 ? mapHeader(texts) : undefined;
    if (!header) {
      blocks.push({ kind: 'line', line: lines[i]!.no, text: texts.join(' ') });
      continue;
    }
    // the table runs until a note (注:…) or a paragraph as wide as the table
    const left = cells[0]!.x;
    const width = cells.at(-1)!.end - left;
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const c = cellsOf(lines[j]!.items);
      if (
        (c.length === 1 && NOTE.test(c[0]!.text)) ||
        (c.length === 1 && c[0]!.end - c[0]!.x > width * 0.7 && c[0]!.x <= left + 4)
      )
        break;
    }
    blocks.push({
      kind: 'table',
      line: lines[i]!.no,
      rows: tableRows(cells, header, lines.slice(i + 1, j), lines[i]!.no),
    });
    i = j - 1;
  }
  return blocks;
}

type Cell = ReturnType<typeof cellsOf>[number];

/**
 * Rows of a table whose header is `header` and whose body is `body`. A column starts where its
 * cells start: headers are often centred and cells left-aligned, so each column's start is the
 * leftmost start of the body's cells that lies after the previous column's and before its header
 * ends.
 */
function tableRows(
  headerCells: readonly Cell[],
  header: Map<number, string>,
  body: readonly Line[],
  headerLine: number,
): Row[] {
  const headerText = headerCells.map((c) => c.text).join('|');
  const bodyCells = body.map((l) => cellsOf(l.items)).filter((c) => c.map((x) => x.text).join('|') !== headerText);
  const starts = [...new Set(bodyCells.flat().map((c) => Math.round(c.x)))].sort((a, b) => a - b);
  const anchors: number[] = [];
  headerCells.forEach((h, k) => {
    const after = anchors[k - 1] ?? -Infinity;
    const found = starts.find((x) => x > after + 2 && x <= h.end + 2);
    anchors.push(found ?? h.x);
  });
  const numberAt = [...header].find(([, col]) => col === 'number')?.[0] ?? -1;
  const titleAt = [...header].find(([, col]) => col === 'title')?.[0] ?? -1;
  let right = Math.max(...headerCells.map((c) => c.end));
  const rows: Row[] = [{ line: headerLine, cells: headerCells.map((c) => c.text) }];
  let lastEnd: number[] = anchors.map(() => 0);
  for (const line of body) {
    const cells = cellsOf(line.items);
    if (cells.map((c) => c.text).join('|') === headerText) continue; // the header again, on a new page
    const row: string[] = anchors.map(() => '');
    const ends: number[] = anchors.map(() => 0);
    const size = line.items[0]?.fontSize ?? 10;
    for (const c of cells) {
      let col = 0;
      anchors.forEach((a, k) => {
        if (a <= c.x + 2) col = k;
      });
      row[col] = row[col] ? `${row[col]}${c.text}` : c.text;
      ends[col] = Math.max(ends[col]!, c.end);
      right = Math.max(right, c.end);
    }
    const current = rows.length > 1 ? rows.at(-1) : undefined;
    const startsRow = numberAt >= 0 ? /^\d{1,3}$/.test(row[numberAt]!) : row[0] !== '';
    if (startsRow || !current || (cells.length === 1 && HEADING_ROW.test(cells[0]!.text))) {
      rows.push({ line: line.no, cells: row });
      lastEnd = ends;
      continue;
    }
    // the row above continues. A line that ran to the cell's right edge wrapped: its text goes on
    // (a long task, a long unit name); one that stopped short ended there: a cell listing one unit
    // per line gets its next unit
    row.forEach((text, k) => {
      if (!text) return;
      const prev = current.cells[k] ?? '';
      const edge = (anchors[k + 1] ?? right) - size * 2.2;
      const wrapped = k === titleAt || lastEnd[k]! >= edge;
      current.cells[k] = prev === '' ? text : `${prev}${wrapped ? '' : '\n'}${text}`;
      lastEnd[k] = ends[k]!;
    });
  }
  return rows;
}
