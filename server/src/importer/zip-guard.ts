import { inflateRawSync } from 'node:zlib';
import { ImportError } from './import-error.js';

export const ZIP_LIMITS = {
  entries: 5_000,
  unpackedBytes: 100 * 1024 * 1024,
  /** An entry inflating beyond this many times its packed size (and past 5 MB) is a bomb. */
  ratio: 500,
};

/**
 * Refuses what is not a zip, or what would unpack to more entries or bytes than a task list needs
 * (a zip bomb named .docx or .xlsx), before any parser sees it: first the sizes the central
 * directory declares, then every entry actually inflated with a hard budget on its real output
 * (zlib's `maxOutputLength`: inflating stops past it) and a ratio limit — a directory that lies
 * (declares 1,000 bytes for what inflates to 2 GiB) is caught by what comes out, not by what it
 * says. What passes inflates, in the parser, to no more than was counted here.
 */
export function checkZip(bytes: Uint8Array, limits = ZIP_LIMITS, format: 'xlsx' | 'docx' = 'xlsx'): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notXlsx = () =>
    format === 'docx'
      ? new ImportError(
          'IMPORT_NOT_DOCX',
          '文件是 .docx,但内容已损坏或不是 Word 文档。请在 Word/WPS 中另存为 .docx 后再导入',
        )
      : new ImportError(
          'IMPORT_NOT_XLSX',
          '文件名是 .xlsx,但内容不是 Excel 工作簿(可能已损坏,或是改了扩展名的其他文件)。请在 Excel/WPS 中另存为 .xlsx 后再导入',
        );
  // end of central directory: signature 0x06054b50 within the last 64 KB + 22 bytes
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notXlsx();
  const entries = view.getUint16(eocd + 10, true);
  const dirOffset = view.getUint32(eocd + 16, true);
  if (entries > limits.entries)
    throw new ImportError(
      'IMPORT_TOO_LARGE',
      `工作簿包含 ${entries} 个部件,超出上限 ${limits.entries}:不像任务清单,未导入`,
    );
  const bomb = () =>
    new ImportError(
      'IMPORT_TOO_LARGE',
      `文件解压后超过 ${Math.round(limits.unpackedBytes / 1024 / 1024)} MB,不像任务清单(可能是压缩炸弹),未导入`,
    );
  let total = 0;
  let at = dirOffset;
  const parts: Array<{ method: number; packed: number; local: number }> = [];
  for (let n = 0; n < entries; n += 1) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw notXlsx();
    total += view.getUint32(at + 24, true);
    if (total > limits.unpackedBytes) throw bomb();
    parts.push({
      method: view.getUint16(at + 10, true),
      packed: view.getUint32(at + 20, true),
      local: view.getUint32(at + 42, true),
    });
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  // what the entries really unpack to, counted as they inflate
  let actual = 0;
  for (const p of parts) {
    if (p.local + 30 > bytes.length || view.getUint32(p.local, true) !== 0x04034b50) throw notXlsx();
    const start = p.local + 30 + view.getUint16(p.local + 26, true) + view.getUint16(p.local + 28, true);
    const data = bytes.subarray(start, Math.min(bytes.length, start + p.packed));
    let out: number;
    if (p.method === 0) out = data.length;
    else if (p.method === 8) {
      try {
        out = inflateRawSync(data, { maxOutputLength: limits.unpackedBytes - actual + 1 }).length;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb();
        throw notXlsx(); // a broken stream: not a document a parser should see
      }
    } else throw notXlsx();
    actual += out;
    if (actual > limits.unpackedBytes) throw bomb();
    if (out > 5 * 1024 * 1024 && out > limits.ratio * Math.max(1, data.length)) throw bomb();
  }
}
