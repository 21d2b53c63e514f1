import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ParsePool } from '../../server/src/importer/parse-pool.js';
import { textPdf } from '../helpers/big-pdf.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const upload = (url: string, t: TestApp, name: string, bytes: Buffer) =>
  fetch(`${url}/api/imports`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'x-file-name': encodeURIComponent(name),
      authorization: `Bearer ${t.token()}`,
    },
    body: bytes,
  });

/** The app on a port, with `parser` reading documents. */
async function serve(parser: ParsePool): Promise<{ t: TestApp; url: string; close(): Promise<void> }> {
  const t = await seededApp();
  await t.app.close();
  t.app = await t.rebuild({ parser });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`, close: () => t.close() };
}

describe('documents are read off the event loop (#33 req 2)', () => {
  const pdf = textPdf(3000); // ~9.7 MB, seconds of CPU to read

  it('while a 3,000-page PDF is read, /api/health keeps answering (it answered before the PDF did)', async () => {
    const s = await serve(new ParsePool());
    try {
      let read = false;
      const reading = upload(s.url, s.t, '三千页.pdf', pdf).finally(() => (read = true));
      const latencies: number[] = [];
      // asked one after another until the document is read: each answer came while it was being read
      while (!read) {
        const t0 = performance.now();
        expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
        latencies.push(performance.now() - t0);
      }
      const res = await reading;
      expect(res.status, await res.clone().text()).toBe(200);
      expect(latencies.length).toBeGreaterThan(20);
      latencies.sort((a, b) => a - b);
      console.log(
        `health during a 3,000-page PDF: ${latencies.length} answers, p50 ${latencies[latencies.length >> 1]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
      );
    } finally {
      await s.close();
    }
  }, 60_000);

  it('a document past its time is stopped (422, what to do), and the next one is read', async () => {
    // long enough for a fresh thread to load the importer (tsx, cold), far short of the PDF
    const s = await serve(new ParsePool({ timeoutMs: 1500 }));
    try {
      const slow = await upload(s.url, s.t, '三千页.pdf', pdf);
      expect(slow.status).toBe(422);
      expect(await slow.json()).toMatchObject({ code: 'IMPORT_TOO_SLOW', message: expect.stringContaining('已停止') });
      const small = await upload(
        s.url,
        s.t,
        '清单.txt',
        Buffer.from(
          '重点任务清单\n序号 | 重点任务 | 责任单位 | 时间要求 |\n1 | 优化企业开办流程 | 区市场监管局 | 每年推进 |\n',
        ),
      );
      expect(small.status, await small.clone().text()).toBe(200);
      expect(((await small.json()) as { tasks: unknown[] }).tasks).toHaveLength(1);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('past the queue, the next document is turned away at once (503), not queued without end', async () => {
    const s = await serve(new ParsePool({ threads: 1, queue: 1, timeoutMs: 20_000 }));
    try {
      // four different documents (four identical ones would be one request: http/once.ts)
      const docs = Array.from({ length: 4 }, (_, i) => textPdf(300 + i));
      const answers = await Promise.all(docs.map((d, i) => upload(s.url, s.t, `第${i}份.pdf`, d)));
      const codes = await Promise.all(answers.map(async (r) => `${r.status}`));
      // one thread and one place in the queue: two are read, two turned away at once
      expect(codes.sort()).toEqual(['200', '200', '503', '503']);
    } finally {
      await s.close();
    }
  }, 90_000);
});
