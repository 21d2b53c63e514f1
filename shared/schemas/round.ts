import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';

/**
 * A 督查 round (2019年中督查 …): which tasks and units, what to submit, by when. Opening it adds one
 * hand-made obligation per task (state.manualObligations, listed in `manualIds`), which the
 * reminder engine chases like any item; closing it waives what is still open.
 */
export const Round = z.object({
  id: z.string().regex(/^G\d+$/),
  planId: Id,
  name: z.string().min(2).max(40),
  /** What each unit submits (自查报告及佐证材料 …). */
  submit: z.string().min(2).max(60),
  due: IsoDate,
  taskIds: z.array(Id),
  /** Only these units; all units of each task when absent. */
  unitIds: z.array(Id).optional(),
  manualIds: z.array(Id),
  /**
   * The policy's duty this round is (年中督查 → the 年中督查报告): it adds no item but sets the
   * due date and requirement of each unit's existing one (listed in `obligationIds`).
   */
  covers: z.enum(['midYear', 'yearEnd']).optional(),
  obligationIds: z.array(z.string()).optional(),
  status: z.enum(['open', 'closed']),
  createdBy: z.string(),
  createdAt: Instant,
  closedAt: Instant.optional(),
  closedBy: z.string().optional(),
});
export type Round = z.infer<typeof Round>;
