import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './org.js';
import type { EmulatorState } from './state.js';

/**
 * The two wire styles of the DingTalk open platform, as the emulator answers them:
 * new API (api.dingtalk.com /v1.0): HTTP 4xx/5xx with {requestid, code, message};
 * old API (oapi.dingtalk.com): always HTTP 200 with {errcode, errmsg, request_id}.
 */
export type Style = 'api' | 'oapi';

export interface Ctx {
  state: EmulatorState;
  app: App;
  body: Record<string, unknown>;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
}

export class WireError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** New-API error (HTTP status + code). */
export const apiFail = (status: number, code: string, message: string): WireError =>
  new WireError(status, code, message);
/** Old-API error (HTTP 200 + errcode). */
export const oapiFail = (errcode: number, errmsg: string, extra: Record<string, unknown> = {}): WireError =>
  new WireError(200, String(errcode), errmsg, extra);

const requestId = (state: EmulatorState): string => state.random.id(13);

export function send(reply: FastifyReply, state: EmulatorState, style: Style, error: WireError): FastifyReply {
  if (style === 'api')
    return reply.code(error.status).send({ requestid: requestId(state), code: error.code, message: error.message });
  return reply
    .code(error.status)
    .send({ errcode: Number(error.code), errmsg: error.message, ...error.extra, request_id: requestId(state) });
}

const BLOCK_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>访问被拒绝</title></head><body><h1>访问被拒绝</h1><p>您的请求过于频繁,已被暂时限制访问,请5分钟后再试。</p></body></html>';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** API name used for rate limits, faults and counters. */
  api: string;
  style: Style;
  /** Whether an access token is required (everything but the token endpoints). */
  auth?: boolean;
}

function tokenOf(req: FastifyRequest, style: Style): string | undefined {
  if (style === 'api') return req.headers['x-acs-dingtalk-access-token'] as string | undefined;
  const q = req.query as Record<string, string | undefined>;
  const b = (req.body ?? {}) as Record<string, unknown>;
  return q.access_token ?? (typeof b.access_token === 'string' ? b.access_token : undefined);
}

function authFailure(style: Style, token: string | undefined): WireError {
  if (style === 'api') {
    return token
      ? apiFail(400, 'InvalidAuthentication', '不合法的access_token')
      : apiFail(400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token');
  }
  const [sub, msg] = token ? ['40014', '不合法的access_token'] : ['40000', 'access_token is blank'];
  return oapiFail(88, `ding talk error[subcode=${sub},submsg=${msg}]`, { sub_code: sub, sub_msg: msg });
}

/**
 * Registers one platform endpoint with the gateway behaviour in front of it: latency and fault
 * injection, the HTML block page, token check, per-app per-API QPS limit, and counters.
 */
export function route(
  f: FastifyInstance,
  state: EmulatorState,
  def: RouteDef,
  handler: (ctx: Ctx, req: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  f.route({
    method: def.method,
    url: def.url,
    handler: async (req, reply) => {
      const style = def.style;
      const { faults } = state;
      const affected = !faults.only || def.api.includes(faults.only);
      if (faults.latencyMs > 0 && affected) await new Promise((r) => setTimeout(r, faults.latencyMs));
      let app: App | undefined;
      const token = tokenOf(req, style);
      if (def.auth !== false) {
        app = state.appForToken(token);
        if (!app) return send(reply, state, style, authFailure(style, token));
      }
      const b = (req.body ?? {}) as Record<string, unknown>;
      const named =
        app ?? state.app(String(b.appKey ?? b.clientId ?? (req.query as Record<string, unknown>).appkey ?? ''));
      const counters = named ? state.counter(named.appKey) : undefined;
      if (counters) counters.calls[def.api] = (counters.calls[def.api] ?? 0) + 1;
      if (affected && faults.htmlBlock) {
        if (counters) counters.faults += 1;
        return reply.code(403).type('text/html; charset=utf-8').send(BLOCK_PAGE);
      }
      if (affected && faults.errorRate > 0 && state.random.next() < faults.errorRate) {
        if (counters) counters.faults += 1;
        return style === 'api'
          ? reply.code(500).send({ requestid: requestId(state), code: 'system.error', message: '系统繁忙' })
          : reply.code(500).send({ errcode: -1, errmsg: '系统繁忙', request_id: requestId(state) });
      }
      if (app && !state.admitCall(app.appKey, def.api)) {
        counters!.rateLimited += 1;
        return style === 'api'
          ? send(
              reply,
              state,
              style,
              apiFail(403, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', '调用该接口的频率超过了限制,请稍后再试'),
            )
          : send(
              reply,
              state,
              style,
              oapiFail(90018, '您的服务器调用钉钉开放平台当前接口的QPS请求数超过限制,请稍后重试'),
            );
      }
      try {
        const ctx: Ctx = {
          state,
          app: app!,
          body: (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>,
          query: req.query as Record<string, string | undefined>,
          params: req.params as Record<string, string>,
        };
        const result = await handler(ctx, req, reply);
        if (reply.sent) return reply;
        if (style === 'oapi')
          return reply.send({ errcode: 0, errmsg: 'ok', ...(result as object), request_id: requestId(state) });
        return reply.send(result ?? {});
      } catch (error) {
        if (error instanceof WireError) return send(reply, state, style, error);
        throw error;
      }
    },
  });
}

/** Reads a form field that may hold JSON as a string (old API in form mode). */
export function jsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The emulator's own origin as the caller reached it (for URLs it hands out). */
export function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`;
}
