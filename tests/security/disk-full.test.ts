import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EvidenceStore } from '../../server/src/evidence/evidence-store.js';
import { JPEG, multipartBody } from '../helpers/files.js';
import { seededApp } from '../helpers/test-app.js';

/** A disk that fills up after the first 1 KB of a file. */
class FullDisk extends EvidenceStore {
  override async putStream(source: Readable): Promise<never> {
    let seen = 0;
    for await (const chunk of source) {
      seen += (chunk as Buffer).length;
      if (seen > 1024) break;
    }
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }
}

describe('an upload on a full disk (#33 req 12)', () => {
  it('is answered 503 with what to do, stores nothing, and the next request on the server is fine', async () => {
    const t = await seededApp();
    const app = await t.rebuild({ evidence: new FullDisk(`${t.dataDir}/evidence`) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const big = Buffer.concat([JPEG, Buffer.alloc(512 * 1024, 7)]);
      const { headers, payload } = multipartBody('file', '现场照片.jpg', big);
      const res = await fetch(`${url}/api/evidence`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${t.token('p-fsjd-c')}` },
        body: payload,
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringContaining('空间已满'),
      });
      expect(res.headers.get('connection')).toBe('close');
      const next = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${t.token('p-fsjd-c')}` } });
      expect(next.status).toBe(200);
    } finally {
      await app.close();
      await t.close();
    }
  });
});
