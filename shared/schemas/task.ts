import { z } from 'zod';
import { Id, IsoDate } from './common.js';
import { ScheduleRule } from './schedule.js';

/** One unit (or unit group) named in a 责任单位 list, as parsed from the document. */
export const UnitRef = z.object({
  /** The name as written, without the △ mark. */
  name: z.string().min(1),
  role: z.enum(['lead', 'co']),
  target: z.object({ type: z.enum(['unit', 'group']), id: Id }),
});
export type UnitRef = z.infer<typeof UnitRef>;

export const TaskKind = z.enum(['key', 'measure', 'instruction']);
export type TaskKind = z.infer<typeof TaskKind>;

const taskBase = {
  id: Id,
  planId: Id,
  /** The item's ordinal as numbered in the document (1-based). */
  number: z.number().int().positive(),
  /** The numbering as printed: "8", "(一)", "1、" … */
  label: z.string(),
  /** The title sentence (first sentence of a measure; the 重点任务 cell of a list row). */
  title: z.string().min(1),
  /** The full text of the item. */
  body: z.string(),
  /** The 责任单位 text exactly as written. */
  unitsText: z.string(),
  units: z.array(UnitRef),
  schedule: ScheduleRule,
  /** 牵头负责领导 and similar, as written. */
  leaders: z.array(z.string()).default([]),
  /** The 工程 it belongs to: a measure's own section; a key task's through its measure. */
  sectionId: Id.optional(),
  /**
   * A task handed down by the organisation above (市 → 区 → 镇街, server/src/orgs/cascade.ts):
   * which organisation, its task, and its label as there (重点任务3): what this one answers to.
   */
  upper: z.object({ org: z.string(), orgName: z.string(), taskId: Id, label: z.string() }).optional(),
};

/** A numbered item (1–38) of 主要任务. */
export const Measure = z.object({
  ...taskBase,
  kind: z.literal('measure'),
});
export type Measure = z.infer<typeof Measure>;

/** A row of the 重点任务清单. `measureId` links it to the measure of the body it comes from. */
export const KeyTask = z.object({
  ...taskBase,
  kind: z.literal('key'),
  measureId: Id.optional(),
});
export type KeyTask = z.infer<typeof KeyTask>;

/** A 领导批示件 the 督考办 registered: chased like a task, in a plan of its own (批示件N). */
export const InstructionTask = z.object({
  ...taskBase,
  kind: z.literal('instruction'),
  /** The day it was registered: its 签收 is owed from then, in that year only. */
  registeredOn: IsoDate,
});
export type InstructionTask = z.infer<typeof InstructionTask>;

export const Task = z.discriminatedUnion('kind', [Measure, KeyTask, InstructionTask]);
export type Task = z.infer<typeof Task>;
