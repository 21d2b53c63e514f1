import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requireSession } from '../auth/auth-hook.js';
import { Buckets } from '../auth/person-limits.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { Clock } from '../model/runtime.js';
import { carryOutOnce, onWriteRoutes } from './once.js';
import { MemoryRequestLog } from '../store/request-log.js';
import type { Store } from '../store/ports.js';

/**
 * What stands before every handler: a session for every /api route but health and sign-in
 * (authorised in the transport), writes limited per person (not per IP: a government NAT puts a
 * district behind one address), and a double tap, a resent form, a retry with the same
 * Idempotency-Key carried out once.
 */
export const guards = fp(
  async (
    app: FastifyInstance,
    o: { sessions: SessionTokens; store: Store; clock: Clock; writesPerMinute: number; realNow: () => number },
  ) => {
    requireSession(app, o.sessions, o.store);
    const writes = new Buckets(o.writesPerMinute, 60_000, o.realNow);
    carryOutOnce(app, {
      log: o.store.requests ?? new MemoryRequestLog(),
      now: o.realNow,
      clock: () => o.clock.now().getTime(),
    });
    // added after carryOutOnce's, so it runs first (each write route's hooks are put ahead of its own)
    onWriteRoutes(app, {
      preHandler: async (req: FastifyRequest) => {
        if (req.viewer) writes.take(`w:${req.viewer.person.id}`, '操作太频繁,请稍后再试');
      },
    });
  },
);
