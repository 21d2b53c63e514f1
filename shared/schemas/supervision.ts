import { z } from 'zod';
import { TaskKind } from './task.js';
import { Id, Instant, IsoDate } from './common.js';
import { UnitRef } from './miniapp.js';
import { Round } from './round.js';

/** 督查 rounds, 催办 and the 督考办's hand-made items, as the API takes and shows them. */

const Counts = {
  total: z.number().int(),
  submitted: z.number().int(),
  late: z.number().int(),
  pending: z.number().int(),
};

export const RoundSummary = Round.extend(Counts);
export type RoundSummary = z.infer<typeof RoundSummary>;
export const RoundList = z.object({ today: IsoDate, items: z.array(RoundSummary) });

export const RoundDetail = z.object({
  round: RoundSummary,
  rows: z.array(
    z.object({
      obligationId: z.string(),
      task: z.object({ id: Id, kind: TaskKind, number: z.number().int(), title: z.string() }),
      unit: UnitRef,
      /** submitted (报送了), late (past due, not yet), pending (not yet, not due), waived (the round closed first). */
      state: z.enum(['submitted', 'late', 'pending', 'waived']),
      doneAt: Instant.optional(),
    }),
  ),
});
export type RoundDetail = z.infer<typeof RoundDetail>;

export const RoundBody = z.object({
  name: z.string().trim().min(2, '请填写督查名称(2–40 字)').max(40, '督查名称最多 40 字'),
  submit: z.string().trim().min(2, '请写明需报送的材料').max(60, '报送要求最多 60 字'),
  due: IsoDate,
  taskIds: z.array(z.string().min(1).max(128)).min(1, '请至少选择一项任务').max(500),
  unitIds: z.array(z.string().min(1).max(128)).min(1).max(200).optional(),
  /** Which duty the round is: the 年中/年末 report every unit owes, or none (专项督查: new items). Read from the name when absent. */
  covers: z.enum(['midYear', 'yearEnd', 'none']).optional(),
});

export const UrgeBody = z.object({
  taskId: z.string().min(1).max(128),
  unitId: z.string().min(1).max(128),
  message: z.string().trim().min(2, '请写明催办内容').max(80, '催办内容最多 80 字'),
  due: IsoDate,
});
export const UrgeResult = z.object({ manualId: z.string(), people: z.array(z.string()) });

export const ManualBody = z.object({
  taskId: z.string().min(1).max(128),
  unitIds: z.array(z.string().min(1).max(128)).min(1).max(200).optional(),
  label: z.string().trim().min(2, '事项名称应为 2–100 个字').max(100, '事项名称应为 2–100 个字'),
  due: IsoDate,
});
export const ManualResult = z.object({ id: z.string() });
export const ManualList = z.object({
  items: z.array(
    z.object({
      id: Id,
      taskId: Id,
      unitIds: z.array(Id).optional(),
      label: z.string(),
      due: IsoDate,
      createdBy: z.string(),
      createdAt: Instant,
    }),
  ),
});

/** Reopening one item of a year whose 考评 is final, so a unit can still report on it late. */
export const ReopenBody = z.object({ reason: z.string().trim().min(2, '请写明重新打开的理由').max(200) });
export const ReopenResult = z.object({ obligationId: z.string(), year: z.number().int() });
