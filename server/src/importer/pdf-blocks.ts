import type { StructuredTextItem } from 'unpdf';
import type { Block, Row } from './blocks.js';
import { ImportError } from './import-error.js';
import { normalizeText } from './normalize.js';
import { mapHeader } from './table.js';

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
    throw new ImportError('IMPORT_NOT_PDF', `无法读取这个 PDF 文件(${(error as Error).message.slice(0, 80)})。如是加密或损坏的文件,请使用原始的 Word/WPS 文件导入`);
  }
  if (!pages.some((p) => p.some((i) => i.str.trim() !== ''))) {
    throw new ImportError('IMPORT_PDF_NO_TEXT', '这个 PDF 没有文字层(可能是扫描件或图片),无法识别。请使用原始的 Word/WPS 文件,或先用 OCR 软件转成文字后再导入');
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
function cellsOf(items: readonly Item[]): Array<{ x: number; text: string }> {
  const cells: Array<{ x: number; end: number; text: string }> = [];
  for (const i of items) {
    const last = cells.at(-1);
    if (last && i.x - last.end < Math.max(2, i.fontSize * 0.9)) {
      last.text += (i.x - last.end > i.fontSize * 0.25 && /[A-Za-z0-9]$/.test(last.text) ? ' ' : '') + i.str;
      last.end = Math.max(last.end, i.x + i.width);
    } else cells.push({ x: i.x, end: i.x + i.width, text: i.str });
  }
  return cells.map((c) => ({ x: c.x, text: normalizeText(c.text).trim() }));
}

const NOTE = /^(注|备注|说明|附件)\s*[::]/;
/** A cell line ending like a unit's name: the next line is the next unit, not its continuation. */
const UNIT_END = /(局|委|办|政府|中心|处|院|所|会|队|部|室|站|馆|公司|集团|街道|镇|乡|分局|办事处|平台|园区)$/;

function layoutBlocks(lines: readonly Line[]): Block[] {
  const blocks: Block[] = [];
  let table: { anchors: number[]; header: string; numberAt: number; titleAt: number; rows: Row[]; width: number } | undefined;
  const end = (): void => {
    if (table) blocks.push({ kind: 'table', line: table.rows[0]!.line, rows: table.rows });
    table = undefined;
  };
  for (const line of lines) {
    const cells = cellsOf(line.items);
    const texts = cells.map((c) => c.text);
    if (!table) {
      const header = cells.length >= 2 ? mapHeader(texts) : undefined;
      if (header) {
        const anchors = cells.map((c) => c.x);
        const numberAt = [...header].find(([, col]) => col === 'number')?.[0] ?? -1;
        const titleAt = [...header].find(([, col]) => col === 'title')?.[0] ?? -1;
        table = { anchors, header: texts.join('|'), numberAt, titleAt, rows: [{ line: line.no, cells: texts }], width: anchors.at(-1)! - anchors[0]! };
      } else blocks.push({ kind: 'line', line: line.no, text: texts.join(' ') });
      continue;
    }
    if (texts.join('|') === table.header) continue; // the header again, on a new page
    const wide = cells.length === 1 && line.items.reduce((w, i) => w + i.width, 0) > table.width * 0.7 && cells[0]!.x <= table.anchors[0]! + 4;
    if ((cells.length === 1 && NOTE.test(texts[0]!)) || wide) {
      end();
      blocks.push({ kind: 'line', line: line.no, text: texts.join(' ') });
      continue;
    }
    const row: string[] = table.anchors.map(() => '');
    const tolerance = Math.max(4, (line.items[0]?.fontSize ?? 10) * 0.8);
    for (const c of cells) {
      let col = 0;
      table.anchors.forEach((a, k) => {
        if (a <= c.x + tolerance) col = k;
      });
      row[col] = row[col] ? `${row[col]}${c.text}` : c.text;
    }
    const current = table.rows.length > 1 ? table.rows.at(-1) : undefined;
    const startsRow = table.numberAt >= 0 ? /^\d{1,3}$/.test(row[table.numberAt]!) : row[0] !== '';
    const single = cells.length === 1;
    if (startsRow || !current || (single && /^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))/.test(texts[0]!))) {
      table.rows.push({ line: line.no, cells: row });
      continue;
    }
    // the row above continues: a wrapped task (joined), or a cell listing one unit per line
    const titleAt = table.titleAt;
    row.forEach((t, k) => {
      if (!t) return;
      const prev = current.cells[k] ?? '';
      current.cells[k] = prev === '' ? t : `${prev}${k !== titleAt && UNIT_END.test(prev) ? '\n' : ''}${t}`;
    });
  }
  end();
  return blocks;
}
