import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';
import { fsyncDir, writeFileDurable } from '../store/durable-fs.js';
import { detectType, type DetectedType } from './file-type.js';
import type { EvidenceRemote } from '../store/evidence-remote.js';
import sharp from 'sharp';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Bytes of a file's start kept for type checks (magic bytes, BMP header, the zip's first entries). */
const HEAD_BYTES = 4096;

/** Refuses an image whose header declares more pixels than a phone photo has (read from the header only, nothing decoded). */
async function checkImage(path: string): Promise<void> {
  let meta: { width?: number | undefined; height?: number | undefined };
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch {
    return; // a header sharp cannot read: kept as uploaded (no thumbnail is made of it)
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > MAX_IMAGE_PIXELS)
    throw new AppError('IMAGE_TOO_LARGE', `图片尺寸过大(${meta.width}×${meta.height}),请截图或压缩后再传`);
}

/** Thumbnails: square, cropped to fill, sized for a 72 CSS px tile on a 3× screen. */
export const THUMB_PX = 240;

export interface StoredEvidence extends DetectedType {
  sha256: string;
  size: number;
  /** The name the sender gave it (for display only; never used as a path). */
  name: string;
}

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
/** The most pixels an image may declare: a 48 MP phone camera fits; a 100000×1000 trap does not. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Thumbnails made at the same time (each decodes a whole photo). */
const THUMB_JOBS = 2;

/** A tiny semaphore: at most `n` jobs run at once, the rest wait their turn. */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => queue.push(resolve));
    running += 1;
    try {
      return await job();
    } finally {
      running -= 1;
      queue.shift()?.();
    }
  };
}

/**
 * Evidence files, content-addressed under `<dataDir>/evidence/<sha256[0..2]>/<sha256>`: the type is
 * checked by magic bytes, the size is limited, the same file is stored once, and names never
 * become paths. Writes are atomic and durable.
 */
export class EvidenceStore {
  private readonly thumbJobs = limiter(THUMB_JOBS);

  /**
   * `remote`: several instances (PostgreSQL) — a file stored here is stored there too, and one
   * uploaded through another instance is fetched from there into this directory when first asked.
   */
  constructor(
    private readonly dir: string,
    private readonly remote?: EvidenceRemote,
  ) {}

  /** The file's local path, fetched from the shared store first when only another instance has it. */
  private async local(sha256: string): Promise<string> {
    const path = this.path(sha256);
    if (await exists(path)) return path;
    if (this.remote) {
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      if (await this.remote.fetch(sha256, path)) return path;
    }
    throw new AppError('NOT_FOUND', '没有这个文件');
  }

  private path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('NOT_FOUND', '没有这个文件');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Stores bytes already in memory (files the bot downloaded): the same checks and path as an upload. */
  async put(bytes: Uint8Array, name: string): Promise<StoredEvidence> {
    if (bytes.length > MAX_EVIDENCE_BYTES)
      throw new AppError('PAYLOAD_TOO_LARGE', `文件超过 ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB,请压缩后再传`);
    const { duplicate: _duplicate, ...stored } = await this.putStream(
      Readable.from([Buffer.from(bytes)]),
      name,
      () => false,
    );
    return stored;
  }

  /**
   * Streams a file to disk (never held in memory): hashed and measured on the way, written to a
   * temporary file, type-checked by its first bytes, then moved to its content address — or
   * dropped when that content is already stored. Any failure removes the temporary file.
   * `limitHit` tells whether the source stopped at the size limit (multipart truncation).
   */
  async putStream(
    source: Readable,
    name: string,
    limitHit: () => boolean,
  ): Promise<StoredEvidence & { duplicate: boolean }> {
    const tmpDir = join(this.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let size = 0;
    let headBytes = 0;
    // opened before streaming, so a failure can never race the file's creation and leave it behind
    const handle = await open(tmp, 'wx');
    try {
      const sink = handle.createWriteStream(); // closes the handle when done or destroyed
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > MAX_EVIDENCE_BYTES)
              throw new AppError('PAYLOAD_TOO_LARGE', `文件超过 ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB,请压缩后再传`);
            if (headBytes < HEAD_BYTES) {
              head.push(chunk.subarray(0, HEAD_BYTES - headBytes));
              headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
            }
            hash.update(chunk);
            yield chunk;
          }
        },
        sink,
      );
      if (limitHit())
        throw new AppError('PAYLOAD_TOO_LARGE', `文件超过 ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB,请压缩后再传`);
      if (size === 0) throw new AppError('BAD_REQUEST', '文件是空的,请重新选择');
      const type = detectType(Buffer.concat(head), name);
      if (!type)
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          '只支持图片(JPG、PNG、GIF、WebP、BMP)、PDF 和 Word/Excel/PPT/WPS 文件',
        );
      if (type.kind === 'image') await checkImage(tmp);
      const sha256 = hash.digest('hex');
      const path = this.path(sha256);
      const duplicate = await access(path).then(
        () => true,
        () => false,
      );
      if (duplicate) await rm(tmp, { force: true });
      else {
        const written = await open(tmp, 'r+');
        await written.datasync().finally(() => written.close());
        await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
        await rename(tmp, path);
        await fsyncDir(join(this.dir, sha256.slice(0, 2)));
      }
      // every instance can serve it before anyone is told it is stored
      await this.remote?.put(sha256, path);
      return { ...type, sha256, size, name: cleanName(name, type.ext), duplicate };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * A small JPEG of an image (made on first request, kept under thumbs/): phone photos are several
   * MB, and the timeline shows them as tiles. EXIF orientation is applied. Undefined when the
   * image cannot be decoded (the caller serves the original).
   */
  async thumbnail(sha256: string): Promise<Buffer | undefined> {
    const source = await this.local(sha256).catch(() => undefined);
    if (!source) return undefined;
    const path = join(this.dir, 'thumbs', sha256.slice(0, 2), `${sha256}.jpg`);
    try {
      return await readFile(path);
    } catch {
      // not made yet
    }
    // a few at a time, and never of an image with more pixels than a phone photo has
    return this.thumbJobs(async () => {
      try {
        const thumb = await sharp(source, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', sequentialRead: true })
          .rotate()
          .resize(THUMB_PX, THUMB_PX, { fit: 'cover' })
          .jpeg({ quality: 72, mozjpeg: true })
          .toBuffer();
        await mkdir(join(this.dir, 'thumbs', sha256.slice(0, 2)), { recursive: true });
        await writeFileDurable(path, thumb);
        return thumb;
      } catch {
        return undefined;
      }
    });
  }

  /**
   * Housekeeping at start and daily: temp files of uploads a crash interrupted, and files uploaded
   * but never attached to anything once older than `graceMs` (with their thumbnails). `keep` names
   * files that must stay whatever their age (e.g. waiting in a bot conversation).
   */
  async sweep(
    unattached: readonly string[],
    keep: ReadonlySet<string>,
    now: number,
    graceMs: number,
  ): Promise<{ temps: number; removed: number }> {
    let temps = 0;
    let removed = 0;
    const tmpDir = join(this.dir, 'tmp');
    for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
      await rm(join(tmpDir, name), { force: true });
      temps += 1;
    }
    for (const sha of unattached) {
      if (keep.has(sha)) continue;
      const path = this.path(sha);
      const st = await stat(path).catch(() => undefined);
      if (!st || now - st.mtimeMs < graceMs) continue;
      await rm(path, { force: true });
      await rm(join(this.dir, 'thumbs', sha.slice(0, 2), `${sha}.jpg`), { force: true });
      await this.remote?.remove(sha);
      removed += 1;
    }
    return { temps, removed };
  }

  /** Whether an image may be sent to a phone as it is: its header is readable and within the pixel limit. */
  async servableImage(sha256: string): Promise<boolean> {
    try {
      const meta = await sharp(await this.local(sha256), { limitInputPixels: false }).metadata();
      return (meta.width ?? 0) * (meta.height ?? 0) <= MAX_IMAGE_PIXELS;
    } catch {
      return true; // not an image sharp reads: served as uploaded (it is at most 20 MB)
    }
  }

  /** The file as a stream (downloads of up to 20 MB are never held in memory), with its size. */
  async open(sha256: string): Promise<{ stream: NodeJS.ReadableStream; size: number }> {
    const path = await this.local(sha256);
    try {
      const { size } = await stat(path);
      return { stream: createReadStream(path), size };
    } catch {
      throw new AppError('NOT_FOUND', '没有这个文件');
    }
  }

  async get(sha256: string): Promise<Buffer> {
    try {
      return await readFile(await this.local(sha256));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('NOT_FOUND', '没有这个文件');
    }
  }
}

/** A name for display: no separators or control characters, at most 200 characters. */
function cleanName(name: string, ext: string): string {
  // eslint-disable-next-line no-control-regex -- control characters never belong in a shown file name
  return name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || `file.${ext}`;
}
