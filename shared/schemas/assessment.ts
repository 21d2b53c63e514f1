import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';
import { EvidenceMeta } from './request.js';

/** The year-end 考评: per unit, every point on a line traceable to the item and ledger event behind it. */

export const AssessmentRule = z.enum([
  'completed',
  'late',
  'missed',
  'lateAcknowledge',
  'returnedReport',
  'praise',
  'criticism',
  'pilot',
  'sample',
  'evaluation',
  'adjustment',
]);
export type AssessmentRule = z.infer<typeof AssessmentRule>;

/** What each rule's line is called, on the unit's page and in its annual report. */
export const ASSESSMENT_RULE_NAME: Record<AssessmentRule, string> = {
  completed: '完成',
  late: '逾期完成',
  missed: '到期未完成',
  lateAcknowledge: '逾期签收',
  returnedReport: '报告被退回',
  praise: '通报表扬',
  criticism: '通报批评',
  pilot: '试点示范',
  sample: '越城样本',
  evaluation: '第三方评估',
  adjustment: '更正',
};

export const AssessmentLine = z.object({
  unitId: Id,
  assignmentId: Id,
  taskId: Id,
  taskNumber: z.number().int(),
  /** The item it is about (absent for an adjustment of the whole unit). */
  obligationId: z.string().optional(),
  label: z.string(),
  rule: AssessmentRule,
  /** lead or co weight applied (a 责任单位 counts as lead). */
  weight: z.enum(['lead', 'co']),
  points: z.number(),
  due: IsoDate.optional(),
  doneOn: IsoDate.optional(),
  /** The ledger sequence of what the line rests on (the item's last change, the decision, the adjustment). */
  seq: z.number().int(),
  /** Set when an appeal about this item was accepted: the points that count instead. */
  appealed: z.object({ appealId: z.string(), points: z.number() }).optional(),
  /** Set when a 容错免责 claim about this item or 通报 was accepted: the points that count instead, and why. */
  exempted: z.object({ exemptionId: z.string(), points: z.number(), ground: z.string() }).optional(),
});
export type AssessmentLine = z.infer<typeof AssessmentLine>;

export const Appeal = z.object({
  id: z.string().regex(/^A\d+$/),
  unitId: Id,
  obligationId: z.string(),
  reason: z.string().min(1).max(1000),
  evidence: z.array(EvidenceMeta).default([]),
  by: z.string(),
  createdAt: Instant,
  state: z.enum(['pending', 'accepted', 'rejected']),
  decidedBy: z.string().optional(),
  decidedAt: Instant.optional(),
  comment: z.string().optional(),
});
export type Appeal = z.infer<typeof Appeal>;

export const AssessmentRecord = z.object({
  year: z.number().int(),
  status: z.enum(['draft', 'published', 'final']),
  /** The day the items were judged on (the year's last day, or the day computed during the year). */
  asOf: IsoDate,
  computedAt: Instant,
  publishedAt: Instant.optional(),
  /** Appeals are taken until the end of this day. */
  appealUntil: IsoDate.optional(),
  finalAt: Instant.optional(),
  /** The ledger event holding the computed lines (they are the year's history, not hot state). */
  linesSeq: z.number().int(),
  /** Accepted appeals: the points an item's deductions count instead (by obligation id). */
  appealed: z.record(z.string(), z.object({ appealId: z.string(), points: z.number() })),
  /** Corrections after the year was final, each a line of its own. */
  adjustments: z.array(AssessmentLine),
  appeals: z.array(Appeal),
});
export type AssessmentRecord = z.infer<typeof AssessmentRecord>;

export const UnitScore = z.object({
  unitId: Id,
  unitName: z.string(),
  score: z.number(),
  /** Before the cap and floor. */
  raw: z.number(),
  rank: z.number().int(),
  /** Others have the same score: 并列第 N 名. */
  tied: z.boolean().default(false),
  /** 1 = the top quarter … 4 = the bottom quarter (tied units: where the middle of their places falls). */
  quartile: z.number().int().min(1).max(4),
  parts: z.number().int(),
  /** 通报批评 received that year, and whether the unit may still be considered for an award. */
  criticisms: z.number().int(),
  awardEligible: z.boolean(),
});

export const AssessmentView = z.object({
  year: z.number().int(),
  status: z.enum(['none', 'draft', 'published', 'final']),
  asOf: IsoDate.optional(),
  appealUntil: IsoDate.optional(),
  rules: z.array(z.string()),
  scores: z.array(UnitScore),
  appeals: z.object({ pending: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
  /** Appeals waiting for the 督考办, oldest first (for those who read all units). */
  pendingAppeals: z.array(
    z.object({
      id: z.string(),
      unitId: Id,
      unitName: z.string(),
      obligationId: z.string(),
      label: z.string(),
      points: z.number(),
      reason: z.string(),
      createdAt: Instant,
    }),
  ),
});
export type AssessmentView = z.infer<typeof AssessmentView>;

export const UnitAssessment = z.object({
  year: z.number().int(),
  status: z.enum(['draft', 'published', 'final']),
  score: UnitScore,
  base: z.number(),
  lines: z.array(AssessmentLine.extend({ effective: z.number(), appeal: Appeal.optional() })),
  appealUntil: IsoDate.optional(),
  /** Whether this viewer may still appeal (the unit's own people, published, within the window). */
  canAppeal: z.boolean(),
});
export type UnitAssessment = z.infer<typeof UnitAssessment>;

export const AppealBody = z.object({
  obligationId: z.string().min(1).max(200),
  reason: z.string().trim().min(2, '请写明申诉理由').max(1000, '申诉理由最多 1000 字'),
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, '文件标识不正确'))
    .max(20, '一次最多附 20 个文件')
    .default([]),
});
export const AppealDecisionBody = z.object({
  comment: z.string().trim().max(500).optional(),
  points: z.number().min(-100).max(100).optional(),
});
export const AdjustmentBody = z.object({
  unitId: Id,
  points: z.number().min(-100).max(100),
  reason: z.string().trim().min(2, '请写明调整理由').max(500),
});
