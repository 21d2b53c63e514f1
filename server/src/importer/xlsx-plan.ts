import ExcelJS from 'exceljs';
import { emptyDraft, FIRST_IS_LEAD_NOTE, type DraftPlan } from './draft.js';
import { normalizeText } from './normalize.js';
import { addTableRow, mapHeader, type TableContext } from './table.js';

/**
 * Parses an .xlsx task list. In each worksheet the header row is found by name (序号 / 重点任务 /
 * 牵头单位 / 责任单位 / 时间要求 or 完成时限 …) within the first 30 rows; rows above it give the
 * title; rows below it are tasks, or section headings when a row holds only 一、… / (一)….
 * Row numbers are reported as `line`, prefixed by the sheet when the workbook has several.
 */
export async function parsePlanXlsx(content: Uint8Array): Promise<DraftPlan> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const draft = emptyDraft();
  for (const sheet of workbook.worksheets) {
    const rows: Array<{ no: number; cells: string[] }> = [];
    sheet.eachRow({ includeEmpty: false }, (row, no) => {
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(row.cellCount, sheet.columnCount); c += 1) cells.push(normalizeText(cellText(row.getCell(c))).trim());
      rows.push({ no, cells });
    });
    const headerAt = rows.slice(0, 30).findIndex((r) => mapHeader(r.cells));
    if (headerAt < 0) {
      for (const r of rows) draft.skipped.push({ line: r.no, text: r.cells.filter(Boolean).join(' | '), reason: `工作表"${sheet.name}"中找不到表头(序号/重点任务/责任单位/时间要求)` });
      continue;
    }
    for (const r of rows.slice(0, headerAt)) {
      const values = [...new Set(r.cells.filter(Boolean))];
      if (values.length === 1 && !draft.meta.title) draft.meta.title = values[0]!.replace(/\s+/g, '');
      else draft.prose.push({ line: r.no, text: values.join(' ') });
    }
    const table: TableContext = { header: mapHeader(rows[headerAt]!.cells)! };
    for (const r of rows.slice(headerAt + 1)) {
      const values = [...new Set(r.cells.filter(Boolean))];
      if (values.length === 1 && /^(注|备注|说明)[::]/.test(values[0]!)) {
        if (FIRST_IS_LEAD_NOTE.test(values[0]!)) draft.firstIsLeadStated = true;
        draft.prose.push({ line: r.no, text: values[0]! });
        continue;
      }
      addTableRow(draft, table, r.cells, r.no);
    }
  }
  return draft;
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '');
  if (typeof v === 'object' && 'text' in v) return String(v.text);
  return cell.text ?? String(v);
}
