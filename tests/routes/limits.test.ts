import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { ChannelError, type Channel } from '../../server/src/channels/channel.js';
import { BotInbox } from '../../server/src/bot/bot-inbox.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { JPEG, multipartBody, pngDeclaring } from '../helpers/files.js';
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
    const inbox = new BotInbox(toBotEvent, async () => undefined, silentLog);
    app = await buildApp(t.deps, {
      ...t.appOptions,
      dingtalkCallback: { appSecret: 's', inbox },
      http: { idleTimeoutMs: 300, headersTimeoutMs: 300, requestTimeoutMs: 1_000 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('closes a stalled body to the unauthenticated callback, a connection that never sends headers, and half-sent headers', async () => {
    const stalledBody = closedBy(
      port,
      'POST /dingtalk/callback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":',
    );
    const silent = closedBy(port, '');
    const halfHeaders = closedBy(port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const results = await Promise.all([stalledBody, silent, halfHeaders]);
    expect(results.map((r) => r.closed)).toEqual([true, true, true]);
    // the server is fine afterwards
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  });

  it('refuses a callback body over 64 KB before reading it', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/dingtalk/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(70_000) }),
    });
    expect(res.status).toBe(413);
  });

  it('says "already uploaded" only about the person’s own files, never that someone else has this one', async () => {
    const up = (personId: string) =>
      t.inject({ method: 'POST', url: '/api/evidence', ...multipartBody('file', '同一张.jpg', JPEG) }, personId);
    expect((await up('p-fsjd-c')).json().duplicate).toBe(false);
    expect((await up('p-bhjd-c')).json().duplicate).toBe(false); // someone else's file: not told
    expect((await up('p-fsjd-c')).json().duplicate).toBe(true); // their own again
  });
});

describe('connections per address (#33 req 12)', () => {
  it('one address holds at most its share of sockets; another address, and health, still get in', async () => {
    const t = await seededApp();
    const app = await buildApp(
      { ...t.deps, config: { ...t.deps.config, limits: { ...t.deps.config.limits, connectionsPerAddress: 5 } } },
      t.appOptions,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const sockets: Socket[] = [];
    try {
      const open = (localAddress: string) =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
          s.on('error', reject);
          sockets.push(s);
        });
      const held = await Promise.all(Array.from({ length: 8 }, () => open('127.0.0.1')));
      // the server closes the ones past the cap as they arrive
      await expect.poll(() => held.filter((s) => s.destroyed || s.readableEnded).length).toBe(3);
      const other = await open('127.0.0.2');
      other.write('GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        other.on('data', (d) => (text += String(d)));
        other.on('end', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      for (const s of sockets) s.destroy();
      await app.close();
      await t.close();
    }
  });
});

describe('images that would exhaust memory', () => {
  it('refuses at upload an image whose header declares 100000×1000 pixels, storing nothing', async () => {
    const t = await seededApp();
    try {
      const res = await t.inject(
        { method: 'POST', url: '/api/evidence', ...multipartBody('file', '陷阱.png', pngDeclaring(100_000, 1_000)) },
        'p-fsjd-c',
      );
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('100000×1000') });
      const phone = await t.inject(
        { method: 'POST', url: '/api/evidence', ...multipartBody('file', '手机照片.png', pngDeclaring(4_000, 3_000)) },
        'p-fsjd-c',
      );
      expect(phone.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('per-person limits (keyed by person, not by address)', () => {
  it('the 7th write within a minute is refused with 429 for that person only, and allowed again as time passes', async () => {
    const t = await seededApp();
    let now = 1_000_000;
    const app = await buildApp(
      {
        ...t.deps,
        config: {
          ...t.deps.config,
          limits: {
            ...t.deps.config.limits,
            writesPerMinute: 6,
            uploadsPerHour: 2,
            uploadMbPerUnitDay: 1,
            loginQueue: 40,
          },
        },
      },
      { ...t.appOptions, realNow: () => now },
    );
    const as = (personId: string, url: string, payload: object = {}) =>
      app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${t.token(personId)}` } });
    try {
      const ack = '/api/assignments/yc-lqstg-2018.k1.fsjd/acknowledge';
      for (let i = 0; i < 6; i += 1) expect((await as('p-fsjd-c', ack)).statusCode).toBe(200);
      const limited = await as('p-fsjd-c', ack);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ code: 'RATE_LIMITED', message: '操作太频繁,请稍后再试' });
      // another official behind the same address is not affected
      expect((await as('p-bhjd-c', '/api/assignments/yc-lqstg-2018.k1.bhjd/acknowledge')).statusCode).toBe(200);
      now += 10_001; // one token back
      expect((await as('p-fsjd-c', ack)).statusCode).toBe(200);

      // uploads: 2 per hour per person; 1 MB per unit per day
      const upload = (personId: string, bytes: Buffer) =>
        app.inject({
          method: 'POST',
          url: '/api/evidence',
          ...multipartBody('file', 'a.pdf', bytes),
          headers: { ...multipartBody('file', 'a.pdf', bytes).headers, authorization: `Bearer ${t.token(personId)}` },
        });
      const pdf = (n: number) =>
        Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(n, 0x20), Buffer.from(`\n${n}\n%%EOF\n`)]);
      now += 60_000;
      expect((await upload('p-fsjd-c', pdf(700_000))).statusCode).toBe(200);
      expect((await upload('p-fsjd-c', pdf(700_001))).statusCode).toBe(200);
      expect((await upload('p-fsjd-c', pdf(10))).json()).toMatchObject({ code: 'RATE_LIMITED' }); // 3rd in the hour, and the unit is over 1 MB
      now += 3_600_000;
      expect((await upload('p-fsjd-c', pdf(11))).json()).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringContaining('本单位今天上传的文件已达 1 MB'),
      });
      expect((await upload('p-bhjd-c', pdf(12))).statusCode).toBe(200); // another unit's quota is its own
    } finally {
      await app.close();
      await t.close();
    }
  });
});

describe('junk 免登 codes', () => {
  it('a bounded queue turns the excess away at once, and one address cannot flood it', async () => {
    const t = await seededApp();
    const waiting: Array<() => void> = [];
    const channel = {
      resolveAuthCode: (code: string) =>
        code.startsWith('flood')
          ? Promise.reject(new ChannelError('AUTH_CODE_INVALID', 'bad code', false))
          : new Promise((resolve, reject) =>
              waiting.push(() =>
                code === 'real'
                  ? resolve({ userId: 'dt-fsjd-c', unionId: 'u', name: '石刚' })
                  : reject(new ChannelError('AUTH_CODE_INVALID', 'bad code', false)),
              ),
            ),
    } as unknown as Channel;
    const app = await buildApp(
      {
        ...t.deps,
        channel,
        config: {
          ...t.deps.config,
          limits: {
            ...t.deps.config.limits,
            writesPerMinute: 60,
            uploadsPerHour: 60,
            uploadMbPerUnitDay: 500,
            loginQueue: 10,
          },
        },
      },
      { ...t.appOptions, realNow: () => 0 },
    );
    const login = (code: string, ip: string) =>
      app.inject({ method: 'POST', url: '/api/auth/dingtalk', payload: { code }, remoteAddress: ip });
    try {
      // 10 junk codes from 10 addresses wait for DingTalk; the 11th is answered at once
      const junk = Array.from({ length: 10 }, (_, i) => login(`junk${i}`, `10.0.0.${i + 1}`));
      await expect.poll(() => waiting.length).toBe(10);
      const full = await login('junk-x', '10.0.1.1');
      expect(full.statusCode).toBe(503);
      expect(full.json().message).toContain('登录的人较多');
      for (const w of waiting.splice(0)) w();
      expect((await Promise.all(junk)).map((r) => r.statusCode)).toEqual(Array(10).fill(401));
      // the real login goes straight through once the junk is answered
      const real = login('real', '10.0.2.1');
      await expect.poll(() => waiting.length).toBe(1);
      waiting.splice(0)[0]!();
      expect((await real).statusCode).toBe(200);
      // one address: 30 tries, then 429 (a district's NAT logging in at 9:00 stays far below)
      const flood: number[] = [];
      for (let i = 0; i < 31; i += 1) {
        flood.push((await login(`flood${i}`, '10.9.9.9')).statusCode);
      }
      expect(flood.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(flood[30]).toBe(429);
    } finally {
      await app.close();
      await t.close();
    }
  });
});

describe('behind a reverse proxy (#33 req 3)', () => {
  it('keys the 免登 buckets by the real client (DUBAN_TRUST_PROXY), and counts only failures', async () => {
    const t = await seededApp();
    const channel = {
      resolveAuthCode: (code: string) =>
        code === 'real'
          ? Promise.resolve({ userId: 'dt-fsjd-c', unionId: 'u', name: '石刚' })
          : Promise.reject(new ChannelError('AUTH_CODE_INVALID', 'bad code', false)),
    } as unknown as Channel;
    const build = (trustProxy: boolean) =>
      buildApp({ ...t.deps, channel, config: { ...t.deps.config, trustProxy } }, { ...t.appOptions, realNow: () => 0 });
    // every request arrives from the proxy (127.0.0.1); the official's address is in X-Forwarded-For
    const login = (app: Awaited<ReturnType<typeof build>>, code: string, client: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/dingtalk',
        payload: { code },
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': client },
      });
    const behind = await build(true);
    const naive = await build(false);
    try {
      // an attacker floods junk codes from one address
      for (let i = 0; i < 35; i += 1) await login(behind, `junk${i}`, '203.0.113.9');
      expect((await login(behind, 'junk-more', '203.0.113.9')).statusCode).toBe(429);
      // officials elsewhere are not locked out
      expect((await login(behind, 'real', '198.51.100.7')).statusCode).toBe(200);
      // 40 officials behind one NAT sign in: successes spend nothing
      for (let i = 0; i < 40; i += 1) expect((await login(behind, 'real', '198.51.100.8')).statusCode).toBe(200);
      // without trusting the proxy every client is the proxy: the flood locks everyone out
      for (let i = 0; i < 35; i += 1) await login(naive, `junk${i}`, '203.0.113.9');
      expect((await login(naive, 'real', '198.51.100.7')).statusCode).toBe(429);
    } finally {
      await behind.close();
      await naive.close();
      await t.close();
    }
  });
});

describe('the unit’s upload quota under parallel uploads (#33 req 9)', () => {
  it('is held before writing: eight parallel uploads cannot store past the quota', async () => {
    const t = await seededApp();
    const app = await buildApp(
      {
        ...t.deps,
        config: {
          ...t.deps.config,
          limits: {
            ...t.deps.config.limits,
            writesPerMinute: 600,
            uploadsPerHour: 600,
            uploadMbPerUnitDay: 1,
            loginQueue: 40,
          },
        },
      },
      { ...t.appOptions, realNow: () => 0 },
    );
    const pdf = (n: number, tag: number) =>
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(n, 0x20), Buffer.from(`\n${tag}\n%%EOF\n`)]);
    const upload = (bytes: Buffer) => {
      const body = multipartBody('file', 'a.pdf', bytes);
      return app.inject({
        method: 'POST',
        url: '/api/evidence',
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${t.token('p-fsjd-c')}` },
      });
    };
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(pdf(300_000, i))));
      const ok = answers.filter((r) => r.statusCode === 200);
      const stored = ok.reduce((n, r) => n + (r.json() as { size: number }).size, 0);
      expect(answers.filter((r) => r.statusCode === 429).length).toBeGreaterThan(0);
      // at most one upload past the 1 MB line (the one that crossed it), never all eight
      expect(stored).toBeLessThan(1024 * 1024 + 310_000);
    } finally {
      await app.close();
      await t.close();
    }
  });
});
