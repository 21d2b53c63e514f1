import ExcelJS from 'exceljs';
import { emptyDraft, type ColumnChoice, type DraftPlan } from './draft.js';
import { normalizeText } from '../naming/names.js';
import { addTable } from './table.js';

/**
 * Parses an .xlsx task list. In each worksheet the header row is found by name (序号 / 重点任务 /
 * 牵头单位 / 责任单位 / 时间要求 or 完成时限 …) within the first 30 rows; rows above it give the
 * title; rows below it are tasks, or section headings when a row holds only 一、… / (一)….
 * Row numbers are reported as `line`, prefixed by the sheet when the workbook has several.
 */
export async function parsePlanXlsx(content: Uint8Array, choices: readonly ColumnChoice[] = []): Promise<DraftPlan> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const draft = emptyDraft();
  for (const sheet of workbook.worksheets) {
    const rows: Array<{ no: number; cells: string[] }> = [];
    sheet.eachRow({ includeEmpty: false }, (row, no) => {
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(row.cellCount, sheet.columnCount); c += 1)
        cells.push(normalizeText(cellText(row.getCell(c))).trim());
      rows.push({ no, cells });
    });
    if (rows.length > 0)
      addTable(
        draft,
        { kind: 'table', line: rows[0]!.no, rows: rows.map((r) => ({ line: r.no, cells: r.cells })) },
        undefined,
        choices,
      );
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
