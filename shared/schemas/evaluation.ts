import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';
import { EvidenceMeta } from './request.js';

/**
 * 第三方评估 (工作要求 (三), measure 9): the 督考办 opens an evaluation of some tasks and units over a
 * period and names the evaluator's people; they record findings (per unit and task, scored, with
 * files), import 公众满意度 results, turn findings that need action into 整改 items (chased and
 * reviewed like a 通报批评's), and re-check them (二次评估). Results count in 考评 only as the
 * rules say (`rules.evaluation`).
 */
export const Finding = z.object({
  id: z.string().regex(/^F\d+$/),
  seq: z.number().int().positive(),
  unitId: Id,
  taskId: Id.optional(),
  text: z.string().min(2).max(2000),
  /** The evaluator's score for this unit on this point (0–100), when they score. */
  score: z.number().min(0).max(100).optional(),
  evidence: z.array(EvidenceMeta).default([]),
  by: z.string(),
  at: Instant,
  /** A finding that needs action: the unit's 整改 item (a hand-made item on the task) and its due date. */
  rectify: z.object({ manualId: Id, due: IsoDate }).optional(),
  /** 二次评估: the evaluator's re-check of the 整改. */
  recheck: z
    .object({ passed: z.boolean(), text: z.string().max(1000), by: z.string(), at: Instant, seq: z.number().int() })
    .optional(),
});
export type Finding = z.infer<typeof Finding>;

export const Satisfaction = z.object({
  unitId: Id,
  sample: z.number().int().positive(),
  percent: z.number().min(0).max(100),
});
export type Satisfaction = z.infer<typeof Satisfaction>;

export const Evaluation = z.object({
  id: z.string().regex(/^V\d+$/),
  seq: z.number().int().positive(),
  title: z.string().min(2).max(100),
  /** The evaluating organisation. */
  org: z.string().min(2).max(100),
  year: z.number().int(),
  period: z.object({ from: IsoDate, to: IsoDate }),
  taskIds: z.array(Id),
  unitIds: z.array(Id).min(1),
  /** The evaluator's people (accounts with the 第三方评估 role): the only ones who record in it. */
  evaluatorIds: z.array(z.string()).min(1),
  createdBy: z.string(),
  createdAt: Instant,
  status: z.enum(['open', 'closed']),
  findings: z.array(Finding),
  satisfaction: z.array(Satisfaction),
  satisfactionSeq: z.number().int().optional(),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const EvaluationBody = z
  .object({
    title: z.string().trim().min(2, '请写明评估名称').max(100),
    org: z.string().trim().min(2, '请写明评估机构').max(100),
    period: z.object({ from: IsoDate, to: IsoDate }),
    taskIds: z.array(z.string().min(1).max(128)).max(200).default([]),
    unitIds: z.array(z.string().min(1).max(128)).min(1, '请至少选择一个单位').max(200),
    evaluatorIds: z.array(z.string().min(1).max(128)).min(1, '请至少指定一名评估人员').max(20),
  })
  .refine((b) => b.period.from <= b.period.to, { message: '评估期间的开始不能晚于结束', path: ['period'] });
export type EvaluationBody = z.infer<typeof EvaluationBody>;

export const FindingBody = z.object({
  unitId: z.string().min(1).max(128),
  taskId: z.string().min(1).max(128).optional(),
  text: z.string().trim().min(2, '请写明评估发现').max(2000),
  score: z.number().min(0).max(100).optional(),
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, '文件标识不正确'))
    .max(20)
    .default([]),
  /** Needs action: the 整改 report's due date (the finding must name a task the unit carries). */
  rectifyBy: IsoDate.optional(),
});
export type FindingBody = z.infer<typeof FindingBody>;

export const RecheckBody = z.object({
  passed: z.boolean(),
  text: z.string().trim().max(1000).default(''),
});

export const EvaluationView = Evaluation.extend({
  units: z.array(z.object({ id: Id, name: z.string() })),
  /** Each finding's 整改 as it stands: 待整改 · 已报送 (awaiting review) · 已整改 · (none). */
  rectifications: z.record(z.string(), z.enum(['open', 'reported', 'done'])),
});
export type EvaluationView = z.infer<typeof EvaluationView>;

export const EvaluationList = z.object({ today: IsoDate, items: z.array(EvaluationView) });
