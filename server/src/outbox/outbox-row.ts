import { z } from 'zod';
import { Instant, IsoDate } from '../../../shared/schemas/common.js';

export const OutboxKind = z.enum(['notice', 'todoCreate', 'todoComplete', 'deliveryCheck']);
export type OutboxKind = z.infer<typeof OutboxKind>;

/**
 * One thing to send, stored in the state document. `key` is deterministic (person + date + digest
 * kind, obligation + person …), so planning twice never enqueues twice. Retry state lives here,
 * not in timers (ARCHITECTURE rule 7).
 */
export const OutboxRow = z.object({
  key: z.string().min(1),
  kind: OutboxKind,
  /** The Shanghai date the row belongs to (a digest is never sent on another day). */
  date: IsoDate,
  personId: z.string().optional(),
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(['pending', 'claimed', 'sent', 'failed', 'expired']),
  attempts: z.number().int().min(0),
  runAt: Instant,
  lockedAt: Instant.optional(),
  lastError: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  createdAt: Instant,
  doneAt: Instant.optional(),
});
export type OutboxRow = z.infer<typeof OutboxRow>;
