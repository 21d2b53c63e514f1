import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/**
 * The bytes of read views, computed once per committed state. A commit makes a new state object
 * (immer), so a view keyed by the state object and the request's key (route, query, and whose
 * view it is) is exact until the next commit and goes with the old state. Each view is checked
 * against its response schema once and serialised once; every later request sends the bytes, as
 * bare Fastify sends a buffer (no per-request schema check or stringify).
 */
export class ViewCache {
  private readonly byState = new WeakMap<object, Map<string, Buffer>>();

  /** At most this many views per state (a district's officials each have their own). */
  constructor(private readonly maxPerState = 5_000) {}

  bytes(state: object, key: string, schema: z.ZodType, compute: () => unknown): Buffer {
    let views = this.byState.get(state);
    if (!views) this.byState.set(state, (views = new Map()));
    const hit = views.get(key);
    if (hit) return hit;
    // what the zod serializer would have sent: the parsed output (unknown keys stripped), as JSON
    const bytes = Buffer.from(JSON.stringify(schema.parse(compute())), 'utf8');
    if (views.size >= this.maxPerState) views.delete(views.keys().next().value!);
    views.set(key, bytes);
    return bytes;
  }

  /** Sends the view as JSON (errors thrown by `compute` are not cached and go to the error handler). */
  send(reply: FastifyReply, state: object, key: string, schema: z.ZodType, compute: () => unknown): FastifyReply {
    return reply.type('application/json; charset=utf-8').send(this.bytes(state, key, schema, compute));
  }
}
