import { createHash } from 'node:crypto';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { UnitResolver } from '../domain/units/unit-resolver.js';
import { assemble } from './assemble.js';
import type { ImportResult } from './import-result.js';
import { parsePlanText } from './text-plan.js';
import { parsePlanXlsx } from './xlsx-plan.js';
import { ImportError } from './import-error.js';
import { checkZip } from './zip-guard.js';

export interface ImportSource {
  /** File name; `.xlsx` selects the spreadsheet parser, anything else is read as UTF-8 text. */
  name: string;
  content: Uint8Array;
}

export interface ImportOptions {
  planId?: string;
  firstIsLead?: boolean;
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** UTF-8 text; binary content (NUL bytes, invalid UTF-8, many control characters) is refused. */
function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('IMPORT_BINARY', '文件不是 UTF-8 文本,也不是 .xlsx 工作簿:请把计划另存为"文本文件(UTF-8)"或 .xlsx 后再导入');
  }
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const controls = (text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g) ?? []).length;
  if (text.includes('\u0000') || controls > Math.max(3, text.length / 200)) throw new ImportError('IMPORT_BINARY', '文件内容是二进制数据,不是计划文本:请把计划另存为文本文件或 .xlsx 后再导入');
  return text;
}

/** Parses a plan document into records and a report. Pure: reads nothing, writes nothing. */
export async function importPlan(source: ImportSource, directory: UnitDirectory, options: ImportOptions = {}): Promise<ImportResult> {
  const isXlsx = /\.xlsx$/i.test(source.name) || XLSX_MAGIC.every((b, i) => source.content[i] === b);
  let draft;
  if (isXlsx) {
    checkZip(source.content);
    try {
      draft = await parsePlanXlsx(source.content);
    } catch (error) {
      if (error instanceof ImportError) throw error;
      throw new ImportError('IMPORT_NOT_XLSX', `无法读取这个 Excel 工作簿(${(error as Error).message.slice(0, 80)})。请在 Excel/WPS 中另存为 .xlsx 后再导入`);
    }
  } else draft = parsePlanText(decodeText(source.content));
  return assemble(draft, new UnitResolver(directory), {
    sourceName: source.name,
    format: isXlsx ? 'xlsx' : 'text',
    sha256: createHash('sha256').update(source.content).digest('hex'),
    fallbackTitle: source.name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''),
    ...options,
  });
}
