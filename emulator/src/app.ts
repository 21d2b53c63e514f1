import { readFileSync } from 'node:fs';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { origin } from './wire.js';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Org } from './org.js';
import { adminRoutes } from './routes/admin.js';
import { contactRoutes } from './routes/contacts.js';
import { mediaRoutes } from './routes/media.js';
import { oauthRoutes } from './routes/oauth.js';
import { robotRoutes } from './routes/robot.js';
import { streamRoutes } from './routes/stream.js';
import { todoRoutes } from './routes/todo.js';
import { workNoticeRoutes } from './routes/work-notice.js';
import { persistWorld } from './persist.js';
import { EmulatorState } from './state.js';
import { ZzdGatewayState, zzdGatewayRoutes } from './zzd/gateway.js';
import { StreamGateway } from './stream-gateway.js';

export interface Emulator {
  app: FastifyInstance;
  state: EmulatorState;
  gateway: StreamGateway;
  /** Saves the world now (local mode keeps it in the data directory); a no-op without a world file. */
  flush: () => void;
  /** Messages and 待办 restored from the world file at start. */
  restored: number;
}

const CONSOLE_HTML = new URL('../console/index.html', import.meta.url);
/** The console's tab icon: DingTalk blue, 钉. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1677ff"/><text x="32" y="45" font-size="38" text-anchor="middle" fill="#fff" font-family="sans-serif">钉</text></svg>';

/**
 * A local DingTalk open platform on one port: the API host (/v1.0/…), the OAPI host (/gettoken,
 * /topapi/…, /media/upload, /robot/sendBySession), the Stream gateway (/v1.0/gateway/… + WS
 * /connect), the admin API (/__emulator/…) and the console (/).
 */
export async function buildEmulator(
  org: Org,
  options: { logger?: boolean; serverUrl?: string; worldFile?: string; log?: (m: string) => void } = {},
): Promise<Emulator> {
  const state = new EmulatorState(org);
  state.serverUrl = options.serverUrl;
  const world = options.worldFile ? persistWorld(state, options.worldFile, options.log ?? console.warn) : undefined;
  const gateway = new StreamGateway(state);
  const zzd = new ZzdGatewayState();
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 30 * 1024 * 1024 });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: 20 * 1024 * 1024 + 1, files: 2 } });
  await app.register(websocket);

  app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
    if (req.url.startsWith('/v1.0/'))
      return reply
        .code(error.statusCode ?? 500)
        .send({ requestid: state.random.id(13), code: 'InvalidParameter', message: error.message });
    if (req.url.startsWith('/topapi/') || req.url.startsWith('/gettoken') || req.url.startsWith('/media/')) {
      return reply
        .code(200)
        .send({ errcode: 40035, errmsg: `不合法的参数:${error.message}`, request_id: state.random.id(13) });
    }
    return reply.code(error.statusCode ?? 500).send({ code: 'ERROR', message: error.message });
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith('/topapi/')) {
      const other = req.method === 'GET' ? 'POST' : 'GET';
      if (app.hasRoute({ method: other, url: path }))
        return reply.send({
          errcode: other === 'POST' ? 43002 : 43001,
          errmsg: other === 'POST' ? '需要POST请求' : '需要GET请求',
        });
      const name = `dingtalk.oapi${path.replace(/^\/topapi/, '').replace(/\//g, '.')}`;
      return reply.send({
        errcode: 22,
        sub_msg: `不合法ApiName，ApiName = ${name}`,
        errmsg: `Invalid method[${name}]`,
        request_id: state.random.id(13),
      });
    }
    if (path.startsWith('/v1.0/') || path.startsWith('/v2.0/'))
      return reply.code(404).send({
        requestid: state.random.id(13),
        code: 'InvalidAction.NotFound',
        message: 'Specified api is not found, please check your url and method.',
      });
    return reply.code(404).send({ code: 'NOT_FOUND', message: `没有这个地址:${req.method} ${path}` });
  });

  // a web page elsewhere must not drive the emulator (a form POST to /__emulator/auth-codes would
  // mint a 督考办's 免登 code): a browser's write from another origin is refused. SDKs and the
  // server send no Origin; the console is same-origin.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const from = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const own = new Set([origin(req), state.serverUrl && new URL(state.serverUrl).origin].filter(Boolean));
    if ((from !== undefined && !own.has(from)) || (from === undefined && site === 'cross-site'))
      return reply
        .code(403)
        .send({ code: 'FORBIDDEN', message: '模拟器只接受本机控制台和督办通的请求(跨站请求已拒绝)' });
  });

  oauthRoutes(app, state);
  workNoticeRoutes(app, state);
  robotRoutes(app, state);
  todoRoutes(app, state);
  contactRoutes(app, state);
  mediaRoutes(app, state);
  streamRoutes(app, state, gateway);
  adminRoutes(app, state, gateway);
  zzdGatewayRoutes(app, state, zzd);

  const html = readFileSync(CONSOLE_HTML, 'utf8');
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/console', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/favicon.ico', async (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(FAVICON),
  );
  if (world) {
    // anything but reading (and the console's clock poll) may change the world: save it soon after
    app.addHook('onResponse', async (req) => {
      if (req.method !== 'GET' && !req.url.startsWith('/__emulator/clock')) world.changed();
    });
  }
  app.addHook('onClose', async () => {
    gateway.stop();
    world?.flush();
  });
  gateway.start();
  return { app, state, gateway, flush: () => world?.flush(), restored: world?.restored ?? 0 };
}
