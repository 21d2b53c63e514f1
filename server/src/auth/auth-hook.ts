import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Store } from '../store/ports.js';
import type { SessionTokens } from './session-tokens.js';
import { viewerFor, type Viewer } from './viewer.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: Viewer;
  }
}

/**
 * How a route is reached without a session, stated on the route (`config: { auth }`):
 * `public` needs none (health, sign-in), `sessionOrSigned` takes a session when there is one and
 * otherwise leaves the route to check its own signature (evidence links). Absent: a session.
 */
export type RouteAuth = 'public' | 'sessionOrSigned';
export const publicRoute = { auth: 'public' as RouteAuth };
export const signedRoute = { auth: 'sessionOrSigned' as RouteAuth };

/**
 * Every /api route needs `Authorization: Bearer <session>` unless the route itself says otherwise.
 * The decision is made on the route the router matched (its pattern and config), never on the
 * URL text, so a percent-encoded path (`/%61pi/units`) is the same route with the same rule and a
 * route is never public by accident. The person is re-read from the state on each request, so a
 * contacts sync that removes someone or changes their units takes effect at once.
 */
export function requireSession(app: FastifyInstance, sessions: SessionTokens, store: Store): void {
  app.addHook('onRequest', async (req) => {
    const route = req.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return; // not an API route (pages, docs, callback, 404)
    const auth = (req.routeOptions.config as { auth?: RouteAuth } | undefined)?.auth;
    if (auth === 'public') return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (auth === 'sessionOrSigned' && !bearer) return;
    req.viewer = viewerFor(store.state.get(), sessions.verify(bearer).sub);
  });
}

/** The signed-in person of a request that passed `requireSession`. */
export function viewerOf(req: FastifyRequest): Viewer {
  if (!req.viewer) throw new AppError('UNAUTHENTICATED', 401, '请先登录:从政务钉钉工作台或消息里打开督办通');
  return req.viewer;
}
