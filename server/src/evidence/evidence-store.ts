import { createHash } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { writeFileDurable } from '../store/durable-fs.js';
import { detectType, type DetectedType } from './file-type.js';

export interface StoredEvidence extends DetectedType {
  sha256: string;
  size: number;
  /** The name the sender gave it (for display only; never used as a path). */
  name: string;
}

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

/**
 * Evidence files, content-addressed under `<dataDir>/evidence/<sha256[0..2]>/<sha256>`: the type is
 * checked by magic bytes, the size is limited, the same file is stored once, and names never
 * become paths. Writes are atomic and durable.
 */
export class EvidenceStore {
  constructor(private readonly dir: string) {}

  private path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('NOT_FOUND', 404, '没有这个文件');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array, name: string): Promise<StoredEvidence> {
    if (bytes.length === 0) throw new AppError('BAD_REQUEST', 400, '文件是空的,请重新选择');
    if (bytes.length > MAX_EVIDENCE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 413, `文件超过 ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB,请压缩后再传`);
    const type = detectType(bytes, name);
    if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '只支持图片(JPG、PNG、GIF、WebP、BMP)、PDF 和 Word/Excel/PPT/WPS 文件');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.path(sha256);
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      await writeFileDurable(path, bytes);
    }
    // eslint-disable-next-line no-control-regex -- control characters never belong in a shown file name
    return { ...type, sha256, size: bytes.length, name: name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || `file.${type.ext}` };
  }

  async get(sha256: string): Promise<Buffer> {
    try {
      return await readFile(this.path(sha256));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('NOT_FOUND', 404, '没有这个文件');
    }
  }
}
