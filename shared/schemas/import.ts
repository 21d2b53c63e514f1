import { z } from 'zod';
import { ScheduleType } from './schedule.js';
import { TaskKind } from './task.js';

/** One unit (or group) of a task as the import read it: what the 督考办 checks and may correct. */
export const ImportUnit = z.object({
  name: z.string(),
  role: z.enum(['lead', 'co']),
  /** unit: in the directory; provisional: a name the directory does not know; group: expands to its members; toDesignate: a group the 督考办 names units for later. */
  kind: z.enum(['unit', 'provisional', 'group', 'toDesignate']),
  /** The directory's name for it, when it differs from the document's wording. */
  resolvedName: z.string().optional(),
  /** A group's member units (names), when it expands. */
  members: z.array(z.string()).optional(),
});
export type ImportUnit = z.infer<typeof ImportUnit>;

export const ImportWarningView = z.object({ code: z.string(), line: z.number().int().optional(), message: z.string() });

export const ImportTaskPreview = z.object({
  id: z.string(),
  kind: TaskKind,
  label: z.string(),
  title: z.string(),
  /** The line (text), row (sheet, table) or paragraph (Word, PDF) it starts on. */
  line: z.number().int(),
  /** What the document says: the item's text, its unit wording and its time wording. */
  source: z.object({
    body: z.string(),
    units: z.string(),
    time: z.string(),
    /** A traditional-character document: the task's line (or row) as written, before it was read as simplified. */
    original: z.string().optional(),
  }),
  section: z.string().optional(),
  units: z.array(ImportUnit),
  /** How many units are reminded for it (groups expanded). */
  reached: z.number().int(),
  time: z.object({
    text: z.string(),
    type: ScheduleType,
    due: z.string().optional(),
    flagged: z.boolean().optional(),
    /** Dated steps before the deadline (each becomes an item): 3月底前开工 → 2024-03-31. */
    milestones: z.array(z.object({ due: z.string(), text: z.string() })).optional(),
  }),
  leaders: z.array(z.string()),
  warnings: z.array(ImportWarningView),
});
export type ImportTaskPreview = z.infer<typeof ImportTaskPreview>;

/** What applying would take away from the plan it replaces (the import preview; 409 IMPORT_LOSES_TASKS). */
export const PlanLossView = z.object({
  planId: z.string(),
  title: z.string(),
  total: z.number().int(),
  lostCount: z.number().int(),
  /** The first 50 lost tasks. */
  lost: z.array(z.object({ id: z.string(), label: z.string(), title: z.string() })),
});
export type PlanLossView = z.infer<typeof PlanLossView>;

/** What a table's column may be read as (null: not read). */
export const ImportColumn = z.enum([
  'number',
  'title',
  'units',
  'lead',
  'co',
  'time',
  'leaders',
  'note',
  'category',
  'upper',
]);
export type ImportColumn = z.infer<typeof ImportColumn>;

export const ImportTableView = z.object({
  line: z.number().int(),
  rows: z.array(z.array(z.string())),
  headerRow: z.number().int().nullable(),
  columns: z.array(ImportColumn.nullable()),
  chosen: z.boolean().optional(),
});

/** The 督考办's reading of tables: for each (by its first line), the header row and each column's meaning. */
export const ImportColumnsBody = z.strictObject({
  tables: z
    .array(
      z.strictObject({
        line: z.number().int().min(0).max(1_000_000),
        headerRow: z.number().int().min(0).max(5),
        columns: z.array(ImportColumn.nullable()).max(30),
      }),
    )
    .max(20),
});
export type ImportColumnsBody = z.infer<typeof ImportColumnsBody>;

export const ImportPreview = z.object({
  /** The upload's content hash: what apply names, and what the ledger records. */
  upload: z.string(),
  name: z.string(),
  format: z.enum(['text', 'xlsx', 'docx', 'pdf']),
  title: z.string(),
  planId: z.string(),
  /** A plan of this id is already stored: applying replaces its records. */
  replaces: z.boolean(),
  /** Against the stored plan of this id: the tasks it would lose (null when none is stored). */
  loss: PlanLossView.nullable(),
  /** Made the current plan, against the active plan of another id: the tasks it would lose. */
  lossIfActive: PlanLossView.nullable(),
  /** The plan's period (实施期限) as read (title, else the year it was issued) — confirmed or changed on apply. */
  period: z
    .object({ from: z.number().int(), to: z.number().int(), source: z.enum(['title', 'issued', 'set']) })
    .nullable(),
  /** The first day units would be reminded if applied now; null: the period is over, or that year has no holiday data. */
  remindersFrom: z.string().nullable(),
  /** The period is over: applying keeps the records (台账) but nothing is reminded. */
  periodEnded: z.boolean(),
  counts: z.record(z.string(), z.number()),
  conventions: z.array(z.object({ line: z.number().int(), text: z.string(), effect: z.string() })),
  /** Warnings not about one task (skipped lines, prose obligations, the title …). */
  warnings: z.array(ImportWarningView),
  tasks: z.array(ImportTaskPreview),
  /** Each table as read: the page's column step (this column is 任务 / 牵头 / 完成时限 …). */
  tables: z.array(ImportTableView),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

/** A correction of one task before applying: drop it, or replace its units or its time wording. */
export const ImportCorrection = z.strictObject({
  taskId: z.string().min(1).max(200),
  drop: z.boolean().optional(),
  units: z
    .array(z.strictObject({ name: z.string().min(1).max(100), role: z.enum(['lead', 'co']) }))
    .max(200)
    .optional(),
  time: z.string().max(200).optional(),
  /** It is the task above's continuation (a cell that ran onto the next row): its text and units join that task. */
  mergeUp: z.boolean().optional(),
  /**
   * A new task starts inside this one (two rows read as one): `at` is the words it begins with, as
   * they stand in the task's text; its units and time wording, when given, else the task's own.
   */
  split: z
    .strictObject({
      at: z.string().min(1).max(2000),
      units: z
        .array(z.strictObject({ name: z.string().min(1).max(100), role: z.enum(['lead', 'co']) }))
        .max(200)
        .optional(),
      time: z.string().max(200).optional(),
    })
    .optional(),
});
export type ImportCorrection = z.infer<typeof ImportCorrection>;

export const PlanPeriodBody = z
  .strictObject({ from: z.number().int().min(2000).max(2100), to: z.number().int().min(2000).max(2100) })
  .refine((p) => p.to >= p.from && p.to - p.from <= 20, { message: '实施期限应为起止年份,结束不早于开始(最长 20 年)' });

export const ApplyImportBody = z.strictObject({
  corrections: z.array(ImportCorrection).max(2000).default([]),
  /** The 督考办's 实施期限, when the one read is wrong or missing. */
  period: PlanPeriodBody.optional(),
  /** Make it the plan that 我的任务, the bot's numbers and the 总览 refer to. */
  activate: z.boolean().default(false),
  /**
   * The number of tasks the 督考办 confirms losing when the document replaces a plan (its own id,
   * or the active plan when `activate`) and leaves tasks of it out; required then, and it must
   * be that number.
   */
  confirmLost: z.number().int().min(0).max(100_000).optional(),
});

export const ApplyImportResult = z.object({
  changed: z.boolean(),
  planId: z.string(),
  tasks: z.number().int(),
  assignments: z.number().int(),
  corrections: z.number().int(),
  active: z.boolean(),
});
