import { connect } from 'node:net';
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
