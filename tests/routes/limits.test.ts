import { connect } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { BotInbox } from '../../server/src/channels/dingtalk/bot-inbox.js';
import { JPEG, multipartBody } from '../helpers/files.js';
import { seededApp, silentLog, type TestApp } from '../helpers/test-app.js';

/** Resolves with how the socket ended once the server closes it (event-driven: no sleeping). */
function closedBy(port: number, send: string): Promise<{ closed: true; reply: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(send));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ closed: true, reply }));
  });
}

describe('connection limits', () => {
  let t: TestApp;
  let port: number;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    t = await seededApp();
    const inbox = new BotInbox(async () => undefined, silentLog);
    app = await buildApp(t.deps, { ...t.appOptions, dingtalkCallback: { appSecret: 's', inbox }, http: { idleTimeoutMs: 300, headersTimeoutMs: 300, requestTimeoutMs: 1_000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('closes a stalled body to the unauthenticated callback, a connection that never sends headers, and half-sent headers', async () => {
    const stalledBody = closedBy(port, 'POST /dingtalk/callback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
    const silent = closedBy(port, '');
    const halfHeaders = closedBy(port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const results = await Promise.all([stalledBody, silent, halfHeaders]);
    expect(results.map((r) => r.closed)).toEqual([true, true, true]);
    // the server is fine afterwards
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  });

  it('refuses a callback body over 64 KB before reading it', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/dingtalk/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(70_000) }) });
    expect(res.status).toBe(413);
  });

  it('says "already uploaded" only about the person’s own files, never that someone else has this one', async () => {
    const up = (personId: string) => t.inject({ method: 'POST', url: '/api/evidence', ...multipartBody('file', '同一张.jpg', JPEG) }, personId);
    expect((await up('p-fsjd-c')).json().duplicate).toBe(false);
    expect((await up('p-bhjd-c')).json().duplicate).toBe(false); // someone else's file: not told
    expect((await up('p-fsjd-c')).json().duplicate).toBe(true); // their own again
  });
});

/** A PNG whose header declares width × height (the pixel data is a stub: only the header is read). */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]);
}

describe('images that would exhaust memory', () => {
  it('refuses at upload an image whose header declares 100000×1000 pixels, storing nothing', async () => {
    const t = await seededApp();
    try {
      const res = await t.inject({ method: 'POST', url: '/api/evidence', ...multipartBody('file', '陷阱.png', pngDeclaring(100_000, 1_000)) }, 'p-fsjd-c');
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('100000×1000') });
      const phone = await t.inject({ method: 'POST', url: '/api/evidence', ...multipartBody('file', '手机照片.png', pngDeclaring(4_000, 3_000)) }, 'p-fsjd-c');
      expect(phone.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
