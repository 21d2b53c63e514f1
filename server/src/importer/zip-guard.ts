import { ImportError } from './import-error.js';

export const ZIP_LIMITS = { entries: 5_000, unpackedBytes: 100 * 1024 * 1024 };

/**
 * Reads a zip's central directory (no inflating) and refuses what is not a zip, or what would
 * unpack to more entries or bytes than a task list needs (a zip bomb named .xlsx). The sizes come
 * from the directory the archive declares, and the parser reads no more than that.
 */
export function checkZip(bytes: Uint8Array, limits = ZIP_LIMITS): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notXlsx = () =>
    new ImportError(
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
  let total = 0;
  let at = dirOffset;
  for (let n = 0; n < entries; n += 1) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw notXlsx();
    total += view.getUint32(at + 24, true);
    if (total > limits.unpackedBytes)
      throw new ImportError(
        'IMPORT_TOO_LARGE',
        `工作簿解压后超过 ${Math.round(limits.unpackedBytes / 1024 / 1024)} MB,不像任务清单(可能是压缩炸弹),未导入`,
      );
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
}
