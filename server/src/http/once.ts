import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../../../shared/errors.js';
import { HTTP_STATUS } from './status.js';
import type { RequestLog } from '../store/request-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The keys this request claimed (settled with its answer or released when it ends). */
    onceKeys?: string[];
  }
}

export interface OnceOptions {
  log: RequestLog;
  /** Real time (a simulated clock must not stretch the windows). */
  now: () => number;
  /** The server's clock (simulated in local mode): moving it on also ends the identical-request window. */
  clock: () => number;
  /** How long an Idempotency-Key's answer is kept (default a day). */
  keyMs?: number;
  /** Identical requests by one person within this are one (default 10 s): a double tap, a resent form. */
  sameMs?: number;
  /** How long a repeat waits for the first to answer (default 15 s) before it is told to look again. */
  waitMs?: number;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Hook = (...args: never[]) => unknown;

/**
 * Adds hooks to every route that writes (POST, PUT, PATCH, DELETE) as it is registered, ahead of
 * its own: the same order as app-wide hooks, without a read paying for them.
 */
export function onWriteRoutes(
  app: FastifyInstance,
  hooks: { preHandler?: Hook; onSend?: Hook; onResponse?: Hook },
): void {
  app.addHook('onRoute', (r) => {
    if (![r.method].flat().some((m) => WRITES.has(m))) return;
    const route = r as unknown as Record<string, unknown>;
    for (const [name, hook] of Object.entries(hooks)) {
      const own = route[name];
      route[name] = [hook, ...(own === undefined ? [] : [own].flat())];
    }
  });
}
const KEY = /^[\w.:-]{8,128}$/;

const isMultipart = (req: FastifyRequest) => (req.headers['content-type'] ?? '').startsWith('multipart/');

function fingerprint(req: FastifyRequest): string {
  const h = createHash('sha256').update(`${req.method} ${req.url}\n`);
  if (Buffer.isBuffer(req.body)) h.update(req.body);
  else if (req.body !== undefined) h.update(JSON.stringify(req.body));
  return h.digest('base64url');
}

const refuse = (reply: FastifyReply, body: ErrorBody): FastifyReply => reply.status(HTTP_STATUS[body.code]).send(body);

/**
 * Every write by a signed-in person is carried out once, on any instance:
 * - with an `Idempotency-Key` (the mini-app sends one per call), a repeat gets the first answer
 *   for a day; the same key on a different request is refused;
 * - identical requests (same person, route and body) are one while the first runs and for a few
 *   seconds after, unless the person wrote something else in between (签收, 撤销, 签收 again is
 *   three actions) or the server's clock moved on: a double tap, twelve scripted copies at once.
 * A repeat waits for the first answer and gets it (`idempotent-replayed: true`). Only successes
 * are kept: a refusal or a failure frees the key. Uploads (multipart) are kept apart by key only —
 * two files look alike until read.
 */
export function carryOutOnce(app: FastifyInstance, o: OnceOptions): void {
  const keyMs = o.keyMs ?? 24 * 3_600_000;
  const sameMs = o.sameMs ?? 10_000;
  const waitMs = o.waitMs ?? 15_000;

  /** Claims `key`, waiting for a running twin; answers the reply when the request must not run. */
  async function claim(
    req: FastifyRequest,
    reply: FastifyReply,
    key: string,
    print: string,
    ttl: number,
    stale?: () => Promise<boolean>,
  ): Promise<FastifyReply | undefined> {
    const started = o.now();
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      const now = o.now();
      const c = await o.log.claim(key, print, now, now + ttl);
      if (c.state === 'claimed') {
        (req.onceKeys ??= []).push(key);
        return undefined;
      }
      if (c.fingerprint !== print)
        return refuse(reply, {
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: '这个操作编号已用于另一项操作,未处理。请刷新后重新操作',
        });
      if (c.state === 'done') {
        if (stale && (await stale())) {
          await o.log.release(key);
          continue;
        }
        return reply
          .status(c.status)
          .header('content-type', 'application/json; charset=utf-8')
          .header('idempotent-replayed', 'true')
          .send(c.body);
      }
      if (now - started >= waitMs)
        return refuse(reply, {
          code: 'REQUEST_RUNNING',
          message: '同样的操作正在处理中,请稍后刷新查看结果,不必重复提交',
        });
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  const preHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.viewer) return;
    const person = req.viewer.person.id;
    const header = req.headers['idempotency-key'];
    const print = fingerprint(req);
    if (typeof header === 'string' && header !== '') {
      if (!KEY.test(header))
        return refuse(reply, {
          code: 'BAD_IDEMPOTENCY_KEY',
          message: 'Idempotency-Key 应为 8–128 位字母、数字或 .:_-',
        });
      const answered = await claim(req, reply, `key:${person}:${header}`, print, keyMs);
      if (answered) return answered;
    }
    if (isMultipart(req)) return;
    const same = `same:${person}:${print}`;
    const clockNow = o.clock();
    // a finished twin is replayed only if it is still this person's latest write, on this clock
    const stale = async () => {
      const last = await o.log.latest(person, o.now());
      const [key, at] = (last ?? '').split('@');
      return key !== same || Math.abs(clockNow - Number(at)) >= sameMs;
    };
    const answered = await claim(req, reply, same, print, sameMs, stale);
    if (answered) return answered;
    await o.log.mark(person, `${same}@${clockNow}`, o.now() + sameMs);
  };

  const onSend = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const keys = req.onceKeys;
    if (!keys) return payload;
    req.onceKeys = undefined;
    const keep = reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string';
    for (const key of keys) await (keep ? o.log.settle(key, reply.statusCode, payload) : o.log.release(key));
    return payload;
  };
  // a request that ends without an answer (the client went away first) frees its keys too
  const onResponse = async (req: FastifyRequest) => {
    for (const key of req.onceKeys ?? []) await o.log.release(key).catch(() => undefined);
  };
  // only the routes that write carry these hooks: a read (most requests) runs none of them
  onWriteRoutes(app, { preHandler, onSend, onResponse });
}
