import { z } from 'zod';
import { Id, Instant, IsoDate } from '../../../shared/schemas/common.js';
import { ObligationKind } from '../../../shared/schemas/reminders.js';

export const ObligationStatus = z.enum(['open', 'fulfilled', 'waived', 'closed']);
export type ObligationStatus = z.infer<typeof ObligationStatus>;

/**
 * Something a unit owes for a task in one year's cycle, as stored when the year was materialised:
 * later policy changes do not touch it. Its status changes only by recorded actions.
 */
export const ObligationRecord = z.object({
  /** `${assignmentId}:${year}:${kind}[:${period}]` — stable, so fulfilment and 待办 survive re-planning. */
  id: z.string().min(1),
  planId: Id,
  assignmentId: Id,
  taskId: Id,
  unitId: Id,
  year: z.number().int(),
  kind: ObligationKind,
  period: z.string().optional(),
  /** 签收 / 第一季度进展 / 年中督查报告 … */
  label: z.string(),
  /** First day it is reminded of (a report may fulfil it earlier). */
  opensOn: IsoDate,
  /** Due date (a working day); an approved extension moves it and keeps `originalDue`. */
  due: IsoDate,
  originalDue: IsoDate.optional(),
  status: ObligationStatus,
  /** Ledger sequence of what last changed it (its materialisation, then each status change). */
  seq: z.number().int().min(0),
  /** When it was fulfilled, by whom, and by what action (签收, 报送, 审核通过). */
  doneAt: Instant.optional(),
  by: z.string().optional(),
  action: z.string().optional(),
});
export type ObligationRecord = z.infer<typeof ObligationRecord>;
