import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';
import { EvidenceMeta } from './request.js';

/**
 * 容错免责 (measure 13 of the plan: "健全改革创新容错免责机制,建立容错免责案例库"). A unit claims it
 * against a 通报批评 or 约谈 it received, or against a 考评 deduction on one of its items, on a
 * ground the rules list; the 督考办 decides (and, where the rules say so, a district leader
 * confirms). An accepted claim lifts the deduction (or keeps a share of it) on a traced line; every
 * decided claim is a case in the searchable 案例库.
 */
export const ExemptionTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bulletin'), bulletinId: z.string().regex(/^B\d+$/, '通报编号不正确') }),
  z.object({ kind: z.literal('item'), obligationId: z.string().min(1).max(200) }),
]);
export type ExemptionTarget = z.infer<typeof ExemptionTarget>;

export const ExemptionState = z.enum(['pending', 'proposed', 'accepted', 'rejected']);
export type ExemptionState = z.infer<typeof ExemptionState>;
export const EXEMPTION_STATE_NAMES: Record<ExemptionState, string> = {
  pending: '待督考办审核',
  proposed: '待区领导确认',
  accepted: '予以免责',
  rejected: '不予免责',
};

export const Exemption = z.object({
  id: z.string().regex(/^E\d+$/),
  /** The ledger event that filed it. */
  seq: z.number().int().positive(),
  /** The 考评 year it counts in. */
  year: z.number().int(),
  unitId: Id,
  target: ExemptionTarget,
  /** What it is about, in words, as filed (通报批评:… · 重点任务8 · 年中进展 到期未完成). */
  about: z.string(),
  /** The deduction it is about when filed (points, negative; 0 for a 约谈). */
  points: z.number(),
  ground: z.string().min(1).max(40),
  /** The facts, in the unit's words. */
  text: z.string().min(2).max(2000),
  evidence: z.array(EvidenceMeta).default([]),
  by: z.string(),
  createdAt: Instant,
  state: ExemptionState,
  /** Ledger records cited: what the claim is about (the 通报, the item's last change) and the decisions on it. */
  refs: z.array(z.number().int().positive()),
  decision: z
    .object({
      /** Share of the deduction that still counts: 0 = 全部免责, 0.5 = 减半. */
      keep: z.number().min(0).max(1),
      comment: z.string().max(1000),
      by: z.string(),
      at: Instant,
    })
    .optional(),
  leader: z.object({ agreed: z.boolean(), comment: z.string().max(1000), by: z.string(), at: Instant }).optional(),
});
export type Exemption = z.infer<typeof Exemption>;

export const ExemptionBody = z.object({
  target: ExemptionTarget,
  ground: z.string().trim().min(1, '请选择容错免责的情形').max(40),
  text: z.string().trim().min(10, '请写明事实经过(至少 10 个字)').max(2000, '事实经过最多 2000 字'),
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, '文件标识不正确'))
    .max(20, '一次最多附 20 个文件')
    .default([]),
});
export type ExemptionBody = z.infer<typeof ExemptionBody>;

export const ExemptionDecisionBody = z
  .object({
    accept: z.boolean(),
    /** Accepting: the share of the deduction that still counts (0: all lifted, the default). */
    keep: z.number().min(0).max(0.9).default(0),
    comment: z.string().trim().max(1000, '意见最多 1000 字').default(''),
  })
  .refine((b) => b.accept || b.comment.length >= 2, { message: '不予免责时请写明理由', path: ['comment'] });
export type ExemptionDecisionBody = z.infer<typeof ExemptionDecisionBody>;

export const ExemptionConfirmBody = z
  .object({ agree: z.boolean(), comment: z.string().trim().max(1000).default('') })
  .refine((b) => b.agree || b.comment.length >= 2, { message: '不同意时请写明理由', path: ['comment'] });

export const ExemptionView = Exemption.extend({ unit: z.object({ id: Id, name: z.string() }) });
export type ExemptionView = z.infer<typeof ExemptionView>;

export const ExemptionList = z.object({
  today: IsoDate,
  /** The grounds the rules list (seeds/assessment-rules.json `exemption.grounds`). */
  grounds: z.array(z.string()),
  /** A district leader confirms the 督考办's acceptance. */
  leaderStep: z.boolean(),
  items: z.array(ExemptionView),
});
export type ExemptionList = z.infer<typeof ExemptionList>;

export const ExemptionQuery = z.object({
  /** Words searched in the facts, the decision, the unit's name and what it is about. */
  q: z.string().max(100).optional(),
  ground: z.string().max(40).optional(),
  /** `cases`: the 案例库 (decided claims only). */
  scope: z.enum(['all', 'cases']).default('all'),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
