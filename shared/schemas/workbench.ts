import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';
import { TaskKind } from './task.js';
import { EvidenceRef, Light, UnitRef } from './miniapp.js';
import { RequestKind, RequestState } from './request.js';

/** The 督考办's workbench: the review queue, the overview and its drill-down lists. */

const TaskRef = z.object({ id: Id, kind: TaskKind, number: z.number().int(), title: z.string() });

export const ReviewQuery = z.object({
  status: z.enum(['leaderPending', 'pending', 'approved', 'returned', 'withdrawn', 'all']).default('pending'),
  kind: RequestKind.optional(),
  unitId: z.string().max(128).optional(),
  taskId: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** One thing waiting for (or decided by) the 督考办. */
export const ReviewItem = z.object({
  id: z.string(),
  kind: RequestKind,
  status: RequestState,
  assignmentId: Id,
  taskId: Id,
  unitId: Id,
  submittedAt: Instant,
  unit: UnitRef,
  task: TaskRef,
  /** The items it concerns, by name, with their due dates now. */
  items: z.array(z.object({ obligationId: z.string(), label: z.string(), due: IsoDate })),
  text: z.string(),
  /** 延期: the date asked for and the item's due date when asked. */
  until: IsoDate.optional(),
  previousDue: IsoDate.optional(),
  late: z.boolean(),
  requester: z.object({ id: z.string(), name: z.string().optional() }),
  channel: z.enum(['miniapp', 'bot', 'api']),
  evidence: z.array(EvidenceRef),
  decidedAt: Instant.optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
  /** What the decision meant (or, pending, what 通过 would do), in words. */
  effect: z.string(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewList = z.object({ today: IsoDate, items: z.array(ReviewItem), total: z.number().int() });
export type ReviewList = z.infer<typeof ReviewList>;

export const DecisionBody = z.object({ comment: z.string().trim().max(500, '审核意见最多 500 字').optional() });

const Counts = { red: z.number().int(), yellow: z.number().int(), green: z.number().int() };

export const OverviewQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

/**
 * The district at a glance. Every count is of assignments (one unit's part in one task) by light,
 * so the units' rows and the sections' rows each add up to `lights`.
 */
export const Overview = z.object({
  today: IsoDate,
  year: z.number().int(),
  /** The active plan's period ended on this day: the counts are its final results, as of then (已结束). */
  ended: IsoDate.optional(),
  /** Whose parts are counted: the whole district, or (a unit leader) their own units'. */
  scope: z.enum(['district', 'units']),
  lights: z.object(Counts),
  /** Green parts that were red and caught up recently (已恢复). */
  recovered: z.number().int(),
  /** Parts closed by an approved 办结 (counted green). */
  closed: z.number().int(),
  reviews: z.object({
    total: z.number().int(),
    report: z.number().int(),
    closure: z.number().int(),
    extension: z.number().int(),
  }),
  /** Tasks with a 待明确 placeholder nobody has named units for. */
  placeholders: z.object({ tasks: z.number().int(), assignments: z.number().int() }),
  units: z.array(z.object({ unitId: Id, unitName: z.string(), ...Counts })),
  sections: z.array(z.object({ sectionId: Id, label: z.string(), title: z.string(), ...Counts })),
  /** The district's counts by day (for the trend chart), oldest first. */
  history: z.array(z.object({ date: IsoDate, ...Counts })),
});
export type Overview = z.infer<typeof Overview>;

export const PartsQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  light: Light.optional(),
  unitId: z.string().max(128).optional(),
  sectionId: z.string().max(128).optional(),
  taskId: z.string().max(128).optional(),
  /** Only parts overdue at least this many working days (what an escalation listed). */
  minOverdueDays: z.coerce.number().int().min(0).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});

/** One unit's part in one task, with its light and state: a row of the drill-down lists and of a task's per-unit view. */
export const PartView = z.object({
  assignmentId: Id,
  task: TaskRef,
  sectionId: Id.optional(),
  unit: UnitRef,
  role: z.enum(['lead', 'co']),
  /** 牵头单位 / 配合单位 / 责任单位 (a task without △: each unit acts on its own). */
  roleName: z.string(),
  status: z.enum(['active', 'closed']),
  light: Light,
  reason: z.string(),
  recovered: z.boolean(),
  acknowledged: z.enum(['done', 'open', 'none']),
  lastReport: z.object({ at: Instant, text: z.string() }).nullable(),
  /** Items open now (opened, not done). */
  open: z.number().int(),
  /** Working days its most overdue open item is late (0: nothing overdue). */
  overdueDays: z.number().int(),
  /** What of this part waits for a review (the unit's leader's or the 督考办's). */
  pendingReview: z.enum(['report', 'closure', 'extension']).nullable(),
});
export type PartView = z.infer<typeof PartView>;

export const PartList = z.object({
  today: IsoDate,
  items: z.array(PartView),
  total: z.number().int(),
  lights: z.object(Counts),
});
export type PartList = z.infer<typeof PartList>;

export const TaskUnits = z.object({
  taskId: Id,
  parts: z.array(PartView),
  /** 待明确 placeholders of the task (区级有关部门 …) still to be named. */
  placeholders: z.array(z.object({ assignmentId: Id, group: UnitRef, role: z.enum(['lead', 'co']) })),
});
export type TaskUnits = z.infer<typeof TaskUnits>;

/** The whole ledger checked from its first event (evaluators, the 督考办). */
export const LedgerVerification = z.object({
  ok: z.boolean(),
  events: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  problem: z
    .object({ seq: z.number().int(), file: z.string(), line: z.number().int(), message: z.string() })
    .optional(),
  seconds: z.number(),
});

export const DesignateBody = z.object({
  unitIds: z.array(z.string().min(1).max(128)).min(1, '请至少选择一个单位').max(200),
});
export const DesignateResult = z.object({
  taskId: Id,
  placeholder: Id,
  assignments: z.array(z.object({ assignmentId: Id, unit: UnitRef })),
});
export type DesignateResult = z.infer<typeof DesignateResult>;

/** What the leaders' board counts beside the lights: 批示件, 督办通知单, 试点 and 越城样本 of the year. */
export const BoardFigures = z.object({
  today: IsoDate,
  year: z.number().int(),
  instructions: z.object({ open: z.number().int(), overdue: z.number().int(), closed: z.number().int() }),
  sheets: z.object({
    unsigned: z.number().int(),
    unanswered: z.number().int(),
    late: z.number().int(),
    answered: z.number().int(),
  }),
  pilots: z.object({ national: z.number().int(), provincial: z.number().int(), city: z.number().int() }),
  samples: z.number().int(),
});
export type BoardFigures = z.infer<typeof BoardFigures>;
