import { z } from 'zod';
import { Id, Instant } from '../../../shared/schemas/common.js';

export const Actor = z.object({
  type: z.enum(['person', 'system', 'importer', 'scheduler', 'bot']),
  id: z.string().optional(),
  name: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Subject = z.object({
  type: z.string().min(1),
  id: z.string().min(1),
});
export type Subject = z.infer<typeof Subject>;

/** What a caller hands to the ledger. */
export const NewLedgerEvent = z.object({
  type: z.string().regex(/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/, 'event type like "plan.imported"'),
  actor: Actor,
  subject: Subject,
  channel: z.enum(['miniapp', 'bot', 'api', 'cli', 'scheduler', 'system']).optional(),
  payload: z.unknown(),
});
export type NewLedgerEvent = z.infer<typeof NewLedgerEvent>;

/**
 * The ledger envelope as stored: append-only, sequence-numbered, and hash-chained: `hash` is the
 * sha256 of `prevHash` and the event's canonical JSON, so any edit breaks every later link.
 */
export const LedgerEvent = NewLedgerEvent.extend({
  id: Id,
  seq: z.number().int().positive(),
  at: Instant,
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type LedgerEvent = z.infer<typeof LedgerEvent>;
