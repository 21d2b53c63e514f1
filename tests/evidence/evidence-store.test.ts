import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceStore, MAX_EVIDENCE_BYTES } from '../../server/src/evidence/evidence-store.js';
import { detectType } from '../../server/src/evidence/file-type.js';
import { EXE, JPEG, PDF, PNG } from '../helpers/files.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('evidence files', () => {
  it('judges the type by magic bytes, not by the name', () => {
    expect(detectType(JPEG, 'x.pdf')).toMatchObject({ mime: 'image/jpeg', ext: 'jpg' });
    expect(detectType(PNG)).toMatchObject({ mime: 'image/png' });
    expect(detectType(PDF, 'report.jpg')).toMatchObject({ mime: 'application/pdf' });
    expect(detectType(EXE, 'photo.jpg')).toBeUndefined();
    const ooxml = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(26),
      Buffer.from('[Content_Types].xml'),
    ]);
    expect(detectType(ooxml, 'a.docx')).toMatchObject({ ext: 'docx' });
    expect(detectType(ooxml, 'a.zip')).toBeUndefined();
    // structure, not just two magic bytes: any zip named .docx, or "BM" and anything, is not enough
    expect(detectType(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]), 'a.docx')).toBeUndefined();
    expect(detectType(Buffer.concat([Buffer.from('BM'), Buffer.alloc(60, 0x41)]), 'a.bmp')).toBeUndefined();
    const bmp = Buffer.alloc(62);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(62, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(2, 18);
    bmp.writeInt32LE(2, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    expect(detectType(bmp, 'x.bmp')).toMatchObject({ mime: 'image/bmp' });
  });

  it('stores by content hash, once, and never uses the name as a path', async () => {
    const dir = tempDir();
    const store = new EvidenceStore(dir);
    const a = await store.put(JPEG, '../../etc/passwd');
    const b = await store.put(JPEG, 'same.jpg');
    expect(a.sha256).toBe(b.sha256);
    expect(a.name).toBe('.._.._etc_passwd');
    expect(readdirSync(join(dir, a.sha256.slice(0, 2)))).toEqual([a.sha256]);
    expect(await store.get(a.sha256)).toEqual(JPEG);
  });

  it('rejects the wrong type, an empty file and a file over the limit with clear Chinese messages', async () => {
    const store = new EvidenceStore(tempDir());
    await expect(store.put(EXE, 'photo.jpg')).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('只支持图片'),
    });
    await expect(store.put(Buffer.alloc(0), 'x.jpg')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(store.put(Buffer.concat([JPEG, Buffer.alloc(MAX_EVIDENCE_BYTES)]), 'big.jpg')).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('evidence housekeeping', () => {
  it('removes temp files of interrupted uploads, and unattached uploads past the grace period (not those still waiting or attached)', async () => {
    const { mkdirSync, writeFileSync, existsSync, utimesSync } = await import('node:fs');
    const dir = tempDir();
    const store = new EvidenceStore(dir);
    const old = await store.put(JPEG, 'old.jpg');
    const fresh = await store.put(PNG, 'fresh.png');
    const waiting = await store.put(PDF, 'waiting.pdf');
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    writeFileSync(join(dir, 'tmp', 'crashed-upload'), 'half');
    const day = 86_400_000;
    const now = Date.now();
    const path = (sha: string) => join(dir, sha.slice(0, 2), sha);
    for (const sha of [old.sha256, waiting.sha256])
      utimesSync(path(sha), new Date(now - 3 * day), new Date(now - 3 * day));
    const r = await store.sweep([old.sha256, fresh.sha256, waiting.sha256], new Set([waiting.sha256]), now, 2 * day);
    expect(r).toEqual({ temps: 1, removed: 1 });
    expect(existsSync(path(old.sha256))).toBe(false);
    expect(existsSync(path(fresh.sha256))).toBe(true);
    expect(existsSync(path(waiting.sha256))).toBe(true);
    expect(existsSync(join(dir, 'tmp', 'crashed-upload'))).toBe(false);
  });
});
