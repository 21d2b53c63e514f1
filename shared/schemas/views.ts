import { z } from 'zod';
import { AssignmentRole, AssignmentStatus } from './assignment.js';
import { Id, ServerMode } from './common.js';
import { Plan, ProseObligation, Section } from './plan.js';
import { ScheduleRule, ScheduleType } from './schedule.js';
import { TaskKind } from './task.js';
import { UnitKind } from './unit.js';

/** How the API shows one unit's responsibility for a task. */
export const AssignmentView = z.object({
  id: Id,
  unitId: Id,
  unitName: z.string(),
  role: AssignmentRole,
  /** 牵头单位 / 配合单位 / 责任单位 (no △: each acts on its own) / 待明确. */
  roleName: z.string(),
  /** The group the unit was named through (各镇人民政府、街道办事处), if any. */
  viaGroup: z.string().optional(),
  /**
   * `toDesignate` (待明确): a group such as 区级有关部门 whose units the 督考办 still has to name;
   * `designated`: named since; `closed`: 已办结.
   */
  status: AssignmentStatus,
});
export type AssignmentView = z.infer<typeof AssignmentView>;

/** Tasks show their schedule rule as stored. */
export const ScheduleView = ScheduleRule;

export const TaskView = z.object({
  id: Id,
  planId: Id,
  kind: TaskKind,
  number: z.number().int(),
  label: z.string(),
  title: z.string(),
  body: z.string(),
  sectionId: Id.optional(),
  /** Key tasks: the measure of the body it comes from. */
  measureId: Id.optional(),
  unitsText: z.string(),
  leaders: z.array(z.string()),
  schedule: ScheduleView,
  assignments: z.array(AssignmentView),
  /** Handed down by the organisation above: whose task it answers to (上级交办). */
  upper: z.object({ org: z.string(), orgName: z.string(), taskId: Id, label: z.string() }).optional(),
});
export type TaskView = z.infer<typeof TaskView>;

export const TaskList = z.object({ items: z.array(TaskView), total: z.number().int() });
export type TaskList = z.infer<typeof TaskList>;

export const TaskQuery = z.object({
  planId: Id.optional(),
  kind: TaskKind.optional(),
  section: z.string().max(64).optional(),
  unit: z.string().max(64).optional(),
  schedule: ScheduleType.optional(),
  q: z.string().max(100).optional(),
  /** Only tasks with a 待明确 placeholder nobody has named units for (the overview's count opens this list). */
  toDesignate: z.enum(['1', 'true']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type TaskQuery = z.infer<typeof TaskQuery>;

export const SectionView = Section.extend({ measures: z.number().int(), keyTasks: z.number().int() });
export const SectionList = z.object({ items: z.array(SectionView), total: z.number().int() });

export const PlanView = Plan.extend({
  counts: z.object({
    sections: z.number(),
    measures: z.number(),
    keyTasks: z.number(),
    assignments: z.number(),
    toDesignate: z.number(),
  }),
  obligations: z.array(ProseObligation),
  active: z.boolean(),
});
export type PlanView = z.infer<typeof PlanView>;
export const PlanList = z.object({ items: z.array(PlanView), total: z.number().int() });

export const UnitView = z.object({
  id: Id,
  name: z.string(),
  fullName: z.string().optional(),
  aliases: z.array(z.string()),
  kind: z.union([UnitKind, z.literal('group')]),
  /** Groups: whether members are known; false for 区级有关部门 and the like. */
  expandable: z.boolean().optional(),
  memberIds: z.array(Id).optional(),
  counts: z.object({ lead: z.number().int(), co: z.number().int() }),
});
export type UnitView = z.infer<typeof UnitView>;
export const UnitList = z.object({ items: z.array(UnitView), total: z.number().int() });

export const UnitAssignment = AssignmentView.extend({
  task: z.object({
    id: Id,
    kind: TaskKind,
    number: z.number().int(),
    label: z.string(),
    title: z.string(),
    schedule: ScheduleView,
  }),
});
export const UnitAssignmentList = z.object({ unit: UnitView, items: z.array(UnitAssignment), total: z.number().int() });
export type UnitAssignmentList = z.infer<typeof UnitAssignmentList>;

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  mode: ServerMode,
  version: z.string(),
  time: z.string(),
  ledger: z.object({ seq: z.number().int() }),
  plans: z.number().int(),
  /** Tasks whose 待明确 placeholders (区级有关部门 …) have no units named yet: nobody is responsible for them. */
  placeholders: z.object({ tasks: z.number().int(), assignments: z.number().int() }),
  warnings: z.array(z.string()),
  /**
   * Several instances on one database (PostgreSQL): this instance's id (the application_name of
   * its connections, and the lockedBy of its outbox claims) and whether it leads the scheduling.
   */
  instance: z.object({ id: z.string(), leads: z.boolean() }).optional(),
});
export type Health = z.infer<typeof Health>;
