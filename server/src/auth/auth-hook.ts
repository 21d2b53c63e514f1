import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Store } from '../store/ports.js';
import type { SessionTokens } from './session-tokens.js';
import { allowed, isAction, PERMISSIONS, type Action } from './permissions.js';
import { viewerFor, type Viewer } from './viewer.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: Viewer;
  }
  /** What a route states about its access (see RouteAuth and auth/permissions.ts). */
  interface FastifyContextConfig {
    action?: Action;
    auth?: RouteAuth;
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
export function requireSession(app: FastifyInstance, sessions: SessionTokens, store: Store): DeclaredRoute[] {
  const declared: DeclaredRoute[] = [];
  DECLARED.set(app, declared);
  // every API route says how it is reached: public, or the action of the permission table it needs
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/')) return;
    const config = r.config as { auth?: RouteAuth; action?: unknown } | undefined;
    if (config?.auth === 'public') return;
    if (!isAction(config?.action))
      throw new Error(`路由 ${String(r.method)} ${r.url} 没有声明权限(config.action,见 auth/permissions.ts)`);
    for (const method of [r.method].flat())
      if (method !== 'HEAD') declared.push({ method, url: r.url, action: config.action });
  });
  // a callback hook: it never waits, and every API request passes it (no promise per request)
  app.addHook('onRequest', (req, reply, done) => {
    const route = req.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return done(); // not an API route (pages, docs, callback, 404)
    const config = req.routeOptions.config as { auth?: RouteAuth; action?: Action } | undefined;
    if (config?.auth === 'public') return done();
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (config?.auth === 'sessionOrSigned' && !bearer) return done();
    try {
      req.viewer = viewerFor(store.state.get(), sessions.verify(bearer).sub);
      // the request's log lines (its completion line too) say who acted, never what they sent
      req.log = reply.log = req.log.child({ person: req.viewer.person.id, units: req.viewer.person.unitIds });
      // the table is consulted before the body is read: a refused request is refused whatever it carries
      if (config?.action && !allowed(req.viewer, config.action))
        throw new AppError('NOT_PERMITTED', `您的角色不能${PERMISSIONS[config.action].label};如需办理,请联系区督考办`);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
  return declared;
}

const DECLARED = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** The API routes of an app and the action each declared (the authorisation test walks them). */
export const declaredRoutes = (app: FastifyInstance): readonly DeclaredRoute[] => DECLARED.get(app) ?? [];

/** An API route as registered, with the action it declared (the authorisation test walks them). */
export interface DeclaredRoute {
  method: string;
  url: string;
  action: Action;
}

/** The signed-in person of a request that passed `requireSession`. */
export function viewerOf(req: FastifyRequest): Viewer {
  if (!req.viewer) throw new AppError('UNAUTHENTICATED', '请先登录:从政务钉钉工作台或消息里打开督办通');
  return req.viewer;
}
