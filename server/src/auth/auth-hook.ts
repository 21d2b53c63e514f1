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

/** Routes under /api that need no session: health, sign-in, and evidence links (they carry their own signature). */
const OPEN = [/^\/api\/health$/, /^\/api\/auth\//, /^\/api\/evidence\/[^/]+$/];

/**
 * Every /api request carries `Authorization: Bearer <session>`; the person is re-read from the
 * state on each request, so a contacts sync that removes someone or changes their units takes
 * effect at once. Evidence downloads accept a bearer token or a signed link.
 */
export function requireSession(app: FastifyInstance, sessions: SessionTokens, store: Store): void {
  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/api/')) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (OPEN.some((re) => re.test(path))) {
      if (bearer && path.startsWith('/api/evidence/')) req.viewer = viewerFor(store.state.get(), sessions.verify(bearer).sub);
      return;
    }
    req.viewer = viewerFor(store.state.get(), sessions.verify(bearer).sub);
  });
}

/** The signed-in person of a request that passed `requireSession`. */
export function viewerOf(req: FastifyRequest): Viewer {
  if (!req.viewer) throw new AppError('UNAUTHENTICATED', 401, '请先登录:从政务钉钉工作台或消息里打开督办通');
  return req.viewer;
}
