import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';

/** 办结, 延期 — asked by a unit — and a report the policy has the 督考办 review (年中/年末). */
export const RequestKind = z.enum(['closure', 'extension', 'report']);
export type RequestKind = z.infer<typeof RequestKind>;
/** `leaderPending`: the policy's two-step review — the unit's 分管领导 confirms before it reaches the 督考办. */
export const RequestState = z.enum(['leaderPending', 'pending', 'approved', 'returned', 'withdrawn']);
export type RequestState = z.infer<typeof RequestState>;

export const EvidenceMeta = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string(),
  mime: z.string(),
  size: z.number().int().min(0),
});
export type EvidenceMeta = z.infer<typeof EvidenceMeta>;

/**
 * What waits for the 督考办's decision — a 办结 or 延期 request, or a reviewed report: a record with
 * an id and a state. A report's record has the report's ledger seq as its id.
 */
export const RequestRecord = z.object({
  /** `R${seq}`: the sequence number of the ledger event that filed it. */
  id: z.string().regex(/^R\d+$/),
  kind: RequestKind,
  state: RequestState,
  planId: Id,
  assignmentId: Id,
  taskId: Id,
  unitId: Id,
  /** The items it concerns: for a 延期 the one item it extends. */
  obligationIds: z.array(z.string()),
  /** 延期: the date asked for, and the item's due date when it was asked. */
  until: IsoDate.optional(),
  previousDue: IsoDate.optional(),
  text: z.string(),
  evidence: z.array(EvidenceMeta),
  requester: z.object({ id: z.string(), name: z.string().optional() }),
  channel: z.enum(['miniapp', 'bot', 'api']),
  /** Filed after the due date of an item it concerns. */
  late: z.boolean(),
  createdAt: Instant,
  seq: z.number().int().min(1),
  /** The last change of state (withdrawn, decided): when, by whom, why. */
  changedAt: Instant.optional(),
  changedBy: z.string().optional(),
  comment: z.string().optional(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;
