import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { ChannelError, type Channel } from '../../server/src/channels/channel.js';
import { JPEG, multipartBody } from '../helpers/files.js';
import { ROOT } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const NGINX = '/usr/sbin/nginx';
const FS = 'yc-lqstg-2018.k1.fsjd';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** A request over HTTPS to nginx, from a given loopback address (each one a different official's machine). */
function call(
  port: number,
  o: { method?: string; path: string; from?: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: o.method ?? 'GET',
        path: o.path,
        localAddress: o.from ?? '127.0.0.1',
        rejectUnauthorized: false,
        headers: o.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/**
 * The server behind a real nginx with the site file we ship (deploy/nginx-duban.conf): HTTPS,
 * forwarded addresses, the upload size. Sign-in, a report with a photo and the 台账 export go
 * through it, and each official's own address reaches the 免登 limits (DUBAN_TRUST_PROXY=1).
 */
describe('behind nginx (deploy/nginx-duban.conf)', () => {
  let t: TestApp;
  let nginx: ChildProcess;
  let https = 0;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: .ci/run installs nginx-light`);
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const channel = {
      resolveAuthCode: (code: string) =>
        code === 'real'
          ? Promise.resolve({ userId: 'dt-fsjd-c', unionId: 'u', name: '石刚' })
          : Promise.reject(new ChannelError('AUTH_CODE_INVALID', 'bad code', false)),
    } as unknown as Channel;
    const app = await buildApp(
      { ...t.deps, channel, config: { ...t.deps.config, trustProxy: 1 } },
      { ...t.appOptions, realNow: () => 0 },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const upstream = (app.server.address() as AddressInfo).port;
    const dir = tempDir();
    mkdirSync(join(dir, 'logs'));
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=duban.test',
      '-days',
      '1',
      '-keyout',
      join(dir, 'duban.key'),
      '-out',
      join(dir, 'duban.crt'),
    ]);
    const http = await freePort();
    https = await freePort();
    const site = readFileSync(`${ROOT}deploy/nginx-duban.conf`, 'utf8')
      .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${upstream};`)
      .replace('listen 80;', `listen 127.0.0.1:${http};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${https} ssl http2;`)
      .replaceAll('/etc/nginx/certs/', `${dir}/`);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\nhttp {\n` +
        `access_log off;\nclient_body_temp_path ${dir}/body;\nproxy_temp_path ${dir}/proxy;\n` +
        `fastcgi_temp_path ${dir}/fcgi;\nuwsgi_temp_path ${dir}/uwsgi;\nscgi_temp_path ${dir}/scgi;\n${site}\n}\n`,
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'inherit' });
    // nginx is up when it answers through to the server
    await vi.waitFor(
      async () => {
        if ((await call(https, { path: '/api/health' })).status !== 200) throw new Error('not yet');
      },
      { timeout: 10_000, interval: 50 },
    );
    close = async () => {
      nginx.kill('SIGTERM');
      await app.close();
    };
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  it('signs in, reports with a photo and exports the 台账 through it', async () => {
    const json = { 'content-type': 'application/json' };
    const signIn = await call(https, {
      method: 'POST',
      path: '/api/auth/dingtalk',
      headers: json,
      body: '{"code":"real"}',
    });
    expect(signIn.status).toBe(200);
    const bearer = { authorization: `Bearer ${JSON.parse(signIn.body.toString()).token as string}` };
    const form = multipartBody('file', '现场照片.jpg', JPEG);
    const photo = await call(https, {
      method: 'POST',
      path: '/api/evidence',
      headers: { ...bearer, ...form.headers },
      body: form.payload,
    });
    expect(photo.status).toBe(200);
    const sha = JSON.parse(photo.body.toString()).sha256 as string;
    const report = await call(https, {
      method: 'POST',
      path: `/api/assignments/${FS}/reports`,
      headers: { ...bearer, ...json },
      body: JSON.stringify({ text: '已完成试点申报,附现场照片', evidence: [sha] }),
    });
    expect(report.status).toBe(200);
    const ledger = await call(https, {
      path: '/api/exports/ledger.xlsx?year=2019',
      headers: { authorization: `Bearer ${t.token()}` },
    });
    expect(ledger.status).toBe(200);
    expect(ledger.body.subarray(0, 2).toString()).toBe('PK');
    // the Prometheus endpoint is for the monitoring network only
    expect((await call(https, { path: '/metrics', from: '127.0.0.1' })).status).toBe(403);
  });

  it("each official's address reaches the 免登 limits: a flood from one machine locks out only that machine", async () => {
    const login = (from: string, code: string) =>
      call(https, {
        method: 'POST',
        path: '/api/auth/dingtalk',
        from,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      }).then((r) => r.status);
    for (let i = 0; i < 35; i += 1) await login('127.0.0.5', `junk${i}`);
    expect(await login('127.0.0.5', 'junk-more')).toBe(429);
    expect(await login('127.0.0.6', 'real')).toBe(200);
  });
});
