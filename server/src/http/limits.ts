import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import fp from 'fastify-plugin';
import type { Server as NetServer } from 'node:net';
import { AppError } from '../errors.js';

export interface HttpLimits {
  /** A connection that sends nothing for this long is closed (a stalled body, an idle keep-alive). */
  idleTimeoutMs: number;
  /** Headers must arrive within this. */
  headersTimeoutMs: number;
  /** A whole request (a 20 MB upload on a slow phone included) must arrive within this. */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP: HttpLimits = { idleTimeoutMs: 30_000, headersTimeoutMs: 15_000, requestTimeoutMs: 300_000 };

/** No request of this product nests deeper; anything deeper is refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

/** DUBAN_TRUST_PROXY as Fastify takes it: a hop count becomes "believe the nearest N hops". */
function trustProxyOption(
  v: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_address, hop) => hop < v : v;
}

/** The server's own options: timeouts, body limit, and whom to believe about the client's address. */
export function serverOptions(
  limits: HttpLimits,
  trustProxy: boolean | number | string[],
): FastifyHttpOptions<HttpServer> {
  return {
    // behind a proxy, rate limits and the 免登 buckets key by the real client (DUBAN_TRUST_PROXY)
    trustProxy: trustProxyOption(trustProxy),
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: Math.min(5_000, limits.idleTimeoutMs),
    http: { headersTimeout: limits.headersTimeoutMs },
  };
}

/** Whether a JSON text nests arrays/objects deeper than `max` (strings skipped; stops at the first excess). */
export function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i += 1;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123 /* [ { */) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 93 || c === 125 /* ] } */) depth -= 1;
  }
  return false;
}

/** At most `max` open connections per remote address; more are closed as they arrive. */
export function capConnections(server: NetServer, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const from = socket.remoteAddress ?? '';
    const n = (open.get(from) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(from, n);
    socket.once('close', () => {
      const left = (open.get(from) ?? 1) - 1;
      if (left > 0) open.set(from, left);
      else open.delete(from);
    });
  });
}

/**
 * JSON bodies: nesting is checked in one linear pass before parsing (a 1 MB [[[…]]] no longer
 * costs the event loop a deep parse); then Fastify's own parser (prototype poisoning refused).
 * One address cannot hold every socket (a proxy in front limits by client itself: no cap then).
 */
export const requestLimits = fp(async (app: FastifyInstance, o: { connectionsPerAddress?: number }) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (tooDeep(text, MAX_JSON_DEPTH))
      return done(new AppError('BAD_REQUEST', `请求内容嵌套过深(超过 ${MAX_JSON_DEPTH} 层),未处理`), undefined);
    return parseJson(req, text, done);
  });
  if (o.connectionsPerAddress) capConnections(app.server, o.connectionsPerAddress);
});
