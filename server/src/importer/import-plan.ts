import { createHash } from 'node:crypto';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { UnitResolver } from '../naming/unit-resolver.js';
import { assemble } from './assemble.js';
import type { ColumnChoice } from './draft.js';
import type { ImportResult } from './import-result.js';
import { parsePlanBlocks, parsePlanText } from './text-plan.js';
import { docxBlocks } from './docx-blocks.js';
import { pdfBlocks } from './pdf-blocks.js';
import { parsePlanXlsx } from './xlsx-plan.js';
import { ImportError } from './import-error.js';
import { checkZip } from './zip-guard.js';

export interface ImportSource {
  /** File name, for the report; the format is told by the content (.docx, .xlsx, .pdf, or text in UTF-8 or GB18030). */
  name: string;
  content: Uint8Array;
}

export interface ImportOptions {
  planId?: string;
  firstIsLead?: boolean;
  /** How to read tables the importer could not (the import page's column step). */
  columns?: readonly ColumnChoice[];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * Text in UTF-8, or else GB18030 (GBK, GB2312: what WPS and older Windows save as "ANSI"); binary
 * content (NUL bytes, many control characters) is refused.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  let text: string;
  let encoding: 'utf-8' | 'gb18030' = 'utf-8';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
      encoding = 'gb18030';
    } catch {
      throw new ImportError(
        'IMPORT_BINARY',
        '文件既不是 UTF-8 或 GB18030 文本,也不是 Word、Excel 或 PDF 文件:请把计划另存为 .docx、.xlsx 或文本文件后再导入',
      );
    }
  }
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const controls = (text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g) ?? []).length;
  if (text.includes('\u0000') || controls > Math.max(3, text.length / 200))
    throw new ImportError(
      'IMPORT_BINARY',
      '文件内容是二进制数据,不是计划文本:请把计划另存为 .docx、.xlsx 或文本文件后再导入',
    );
  return { text, encoding };
}

/** What a file is, told by its content: a zip holding a Word document or a workbook, a PDF, or text. */
export function sniffFormat(content: Uint8Array): 'docx' | 'xlsx' | 'pdf' | 'text' {
  if (ZIP_MAGIC.every((b, i) => content[i] === b)) {
    // the zip's first entries name what it holds ([Content_Types].xml lists word/ or xl/ parts)
    const head = Buffer.from(content.subarray(0, Math.min(content.length, 64 * 1024))).toString('latin1');
    if (head.includes('word/')) return 'docx';
    return 'xlsx';
  }
  if (Buffer.from(content.subarray(0, 1024)).toString('latin1').includes('%PDF-')) return 'pdf';
  return 'text';
}

/** Parses a plan document into records and a report. Pure: reads nothing, writes nothing. */
export async function importPlan(
  source: ImportSource,
  directory: UnitDirectory,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const format = sniffFormat(source.content);
  // a file named as a workbook, a Word document or a PDF that is something else: say so, rather than read it as text
  const named = /\.(xlsx|docx|pdf)$/i.exec(source.name)?.[1]?.toLowerCase();
  if (
    named &&
    named !== format &&
    !(named === 'xlsx' && format === 'docx') &&
    !(named === 'docx' && format === 'xlsx')
  ) {
    if (named === 'xlsx')
      throw new ImportError(
        'IMPORT_NOT_XLSX',
        '文件名是 .xlsx,但内容不是 Excel 工作簿。请在 Excel/WPS 中另存为 .xlsx 后再导入',
      );
    if (named === 'docx')
      throw new ImportError(
        'IMPORT_NOT_DOCX',
        '文件名是 .docx,但内容不是 Word 文档(旧版 .doc 请在 Word/WPS 中另存为 .docx)。请另存为 .docx 后再导入',
      );
    throw new ImportError('IMPORT_NOT_PDF', '文件名是 .pdf,但内容不是 PDF 文件。请使用原始文件导入');
  }
  let draft;
  if (format === 'xlsx' || format === 'docx') {
    checkZip(source.content, undefined, format);
    try {
      draft =
        format === 'xlsx'
          ? await parsePlanXlsx(source.content, options.columns)
          : parsePlanBlocks(await docxBlocks(source.content), options.columns, unitNamesOf(directory));
    } catch (error) {
      if (error instanceof ImportError) throw error;
      throw format === 'xlsx'
        ? new ImportError(
            'IMPORT_NOT_XLSX',
            `无法读取这个 Excel 工作簿(${(error as Error).message.slice(0, 80)})。请在 Excel/WPS 中另存为 .xlsx 后再导入`,
          )
        : new ImportError(
            'IMPORT_NOT_DOCX',
            `无法读取这个 Word 文档(${(error as Error).message.slice(0, 80)})。请在 Word/WPS 中另存为 .docx 后再导入`,
          );
    }
  } else if (format === 'pdf')
    draft = parsePlanBlocks(await pdfBlocks(source.content), options.columns, unitNamesOf(directory));
  else draft = parsePlanText(decodeText(source.content).text, options.columns, unitNamesOf(directory));
  return assemble(draft, new UnitResolver(directory), {
    sourceName: source.name,
    format,
    sha256: createHash('sha256').update(source.content).digest('hex'),
    fallbackTitle: source.name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''),
    ...options,
  });
}

/** Every name the directory knows a unit or a group by (full, short, aliases). */
function unitNamesOf(directory: UnitDirectory): string[] {
  return [
    ...directory.units.flatMap((u) => [u.name, ...(u.fullName ? [u.fullName] : []), ...u.aliases]),
    ...directory.groups.flatMap((g) => [g.name, ...g.aliases]),
  ];
}
