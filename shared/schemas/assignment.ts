import { z } from 'zod';
import { Id } from './common.js';

export const AssignmentStatus = z.enum(['active', 'toDesignate', 'designated', 'closed']);
export type AssignmentStatus = z.infer<typeof AssignmentStatus>;

export const AssignmentRole = z.enum(['lead', 'co']);
export type AssignmentRole = z.infer<typeof AssignmentRole>;

/**
 * One unit's responsibility for one task. A unit named through a group (各镇人民政府、街道办事处)
 * gets its own assignment with `viaGroupId`. A group that cannot be expanded (区级有关部门) is kept
 * as one assignment whose `unitId` is the group's id and whose status is `toDesignate` (待明确);
 * once the 督考办 names its units it becomes `designated` (the named units' assignments carry the
 * group as `viaGroupId`). An approved 办结 makes an assignment `closed` for the rest of the plan.
 */
export const Assignment = z.object({
  id: Id,
  planId: Id,
  taskId: Id,
  unitId: Id,
  role: AssignmentRole,
  viaGroupId: Id.optional(),
  status: AssignmentStatus,
});
export type Assignment = z.infer<typeof Assignment>;
