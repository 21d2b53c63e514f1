import ExcelJS from 'exceljs';
import { AppError } from '../errors.js';
import { checkZip } from './zip-guard.js';

/** A 公众满意度 sheet is small: a row per unit. */
const LIMITS = { entries: 200, unpackedBytes: 20 * 1024 * 1024, ratio: 500 };
const MAX_BYTES = 2 * 1024 * 1024;

export interface SatisfactionRow {
  line: number;
  unitName: string;
  sample: number;
  percent: number;
}

const text = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '');
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
};

/**
 * Reads a 公众满意度 workbook: the first sheet, a header row naming 单位, 样本量 and 满意度 (in any
 * order, among other columns), then a row per unit. 满意度 as 92.5, 92.5% or 0.925. Every row that
 * cannot be read is named (its line and why) and nothing is taken: `problems` non-empty.
 */
export async function readSatisfactionSheet(
  bytes: Uint8Array,
): Promise<{ rows: SatisfactionRow[]; problems: Array<{ path: string; message: string }> }> {
  if (bytes.byteLength > MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', '满意度表不能超过 2 MB');
  try {
    checkZip(bytes, LIMITS, 'xlsx');
  } catch (error) {
    // not a zip, or one that would unpack to far more than a table of units (a bomb): refused before any parser
    throw new AppError('VALIDATION_FAILED', `满意度表不是有效的 Excel(.xlsx)文件:${(error as Error).message}`, {
      cause: error,
    });
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new AppError('VALIDATION_FAILED', '无法读取这个 Excel 文件,请另存为 .xlsx 后再导入');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('VALIDATION_FAILED', 'Excel 文件中没有工作表');
  let header = 0;
  const col = { unit: 0, sample: 0, percent: 0 };
  ws.eachRow((row, n) => {
    if (header) return;
    const cells = Array.from(row.values as ExcelJS.CellValue[], (c) => text(c));
    const find = (re: RegExp) => cells.findIndex((c) => re.test(c.replace(/\s/g, '')));
    const u = find(/^(单位|单位名称|被评估单位|责任单位)$/);
    const s = find(/^(样本量|样本数|有效样本|样本)/);
    const p = find(/满意度|满意率/);
    if (u > 0 && s > 0 && p > 0) {
      Object.assign(col, { unit: u, sample: s, percent: p });
      header = n;
    }
  });
  if (!header) throw new AppError('VALIDATION_FAILED', '没有找到表头:第一个工作表应有"单位""样本量""满意度"三列');
  const rows: SatisfactionRow[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  ws.eachRow((row, n) => {
    if (n <= header) return;
    const v = row.values as ExcelJS.CellValue[];
    const unitName = text(v[col.unit]).trim();
    const sampleText = text(v[col.sample]).trim();
    const percentText = text(v[col.percent]).trim();
    if (!unitName && !sampleText && !percentText) return;
    const sample = Number(sampleText);
    const raw = Number(percentText.replace(/%$/, ''));
    const percent = percentText.endsWith('%') || raw > 1 ? raw : raw * 100;
    if (!unitName) problems.push({ path: `第${n}行`, message: '缺少单位' });
    else if (!Number.isInteger(sample) || sample <= 0)
      problems.push({ path: `第${n}行`, message: `${unitName}的样本量"${sampleText}"应为正整数` });
    else if (!Number.isFinite(percent) || percent < 0 || percent > 100 || percentText === '')
      problems.push({ path: `第${n}行`, message: `${unitName}的满意度"${percentText}"应在 0–100% 之间` });
    else rows.push({ line: n, unitName, sample, percent: Math.round(percent * 10) / 10 });
  });
  if (rows.length === 0 && problems.length === 0) problems.push({ path: '表格', message: '表头下没有数据' });
  return { rows, problems };
}
