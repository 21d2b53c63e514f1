import { z } from 'zod';
import { IsoDate } from './common.js';
import { TaskKind } from './task.js';

export const Stage = z.enum(['new', 'before', 'due', 'overdue']);
export const ObligationKind = z.enum([
  'acknowledge',
  'progress',
  'midYear',
  'yearEnd',
  'deadline',
  'completion',
  'prose',
  'manual',
]);
export type ObligationKind = z.infer<typeof ObligationKind>;
const Level = z.union([z.literal(1), z.literal(2), z.literal(3)]);

export const ReminderItem = z.object({
  obligationId: z.string(),
  assignmentId: z.string(),
  taskId: z.string(),
  /** As shown to people and typed back to the bot: 8 for 重点任务8. */
  taskNumber: z.number().int(),
  taskKind: TaskKind,
  taskTitle: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  kind: ObligationKind,
  label: z.string(),
  due: IsoDate,
  stage: Stage,
  /** Working days until due (stage before/due/new) or overdue (stage overdue). */
  workingDays: z.number().int(),
  level: Level,
  /** A new task's own 完成时限 and its milestones' dates (stage new): what the unit signs for. */
  taskDates: z.object({ due: IsoDate, milestones: z.array(IsoDate) }).optional(),
});
export type ReminderItem = z.infer<typeof ReminderItem>;

export const Reminder = z.object({
  /** Outbox key: one digest per person per day per kind. */
  key: z.string(),
  kind: z.enum(['digest', 'escalation']),
  date: IsoDate,
  personId: z.string(),
  personName: z.string(),
  userId: z.string(),
  unionId: z.string().optional(),
  /** Why this person: their own items (contact), or as the unit's leader / the 督考办 (escalation). */
  as: z.enum(['contact', 'leader', 'supervisor']),
  level: Level,
  items: z.array(ReminderItem),
  reasons: z.array(z.string()),
  /** Everything the person's units have open today, and how much of it is overdue — the numbers 我的任务 shows (digests only). */
  open: z.object({ total: z.number().int(), overdue: z.number().int() }).optional(),
  /** The person's other open items (not reminded of today), so the digest can list the most urgent first. */
  also: z.array(ReminderItem).optional(),
});
export type Reminder = z.infer<typeof Reminder>;

/** One DingTalk 待办: an item of one or more of the person's units, or a batch of 签收 (then no single task). */
export const TodoCreate = z.object({
  key: z.string(),
  obligationIds: z.array(z.string()).min(1),
  personId: z.string(),
  unionId: z.string(),
  subject: z.string(),
  description: z.string().optional(),
  /** The earliest due date of what it covers. */
  due: IsoDate,
  /** The task it opens; absent for a batch, which opens 我的任务. */
  taskId: z.string().optional(),
});
export type TodoCreate = z.infer<typeof TodoCreate>;

/** What the planner decided for an instant: the reminders preview of the API and the CLI. */
export const ReminderPlan = z.object({
  at: z.string(),
  date: IsoDate,
  workingDay: z.boolean(),
  /** 国庆节 / 春节调休上班 / 周六 / 周一 … */
  dayName: z.string(),
  /** Why nothing is planned, if so (holiday, before digest time, missing calendar …). */
  skipped: z.string().optional(),
  reminders: z.array(Reminder),
  todoCreates: z.array(TodoCreate),
  warnings: z.array(z.string()),
});
export type ReminderPlan = z.infer<typeof ReminderPlan>;

export const SimClockStatus = z.object({
  now: z.string(),
  date: IsoDate,
  dayName: z.string(),
  workingDay: z.boolean(),
  simulated: z.boolean(),
  /** While a day is being worked out (the clock just moved): what is happening, for the console. */
  busy: z
    .object({
      date: IsoDate,
      phase: z.enum(['obligations', 'planning', 'sending']),
      done: z.number().int(),
      total: z.number().int(),
      seconds: z.number(),
    })
    .optional(),
});
