import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';

/**
 * 领导批示件: a leader's written instruction on a document, registered by the 督考办 and chased
 * like a task (签收, 进展, 办结 with review, reminders, lights) in a plan of its own, the
 * instructions plan (`批示件N`). On 办结 the result is reported back to the leader.
 */
export const INSTRUCTIONS_PLAN_ID = 'instructions';

export const Urgency = z.enum(['extra', 'urgent', 'normal']);
export type Urgency = z.infer<typeof Urgency>;
export const URGENCY_NAMES: Record<Urgency, string> = { extra: '特急', urgent: '急', normal: '平件' };

export const InstructionMeta = z.object({
  taskId: Id,
  /** The leader who wrote it, as the document names them (区长 王某某). */
  leader: z.string().min(1).max(40),
  /** The leader's account, when the directory has it: the result is reported to them. */
  leaderPersonId: z.string().optional(),
  /** The 批示 in the leader's words. */
  text: z.string().min(2).max(2000),
  /** The document it was written on, and its 文号. */
  docTitle: z.string().min(2).max(200),
  docNo: z.string().max(60).optional(),
  /** The day it was written. */
  date: IsoDate,
  urgency: Urgency,
  /** 办理时限 in working days, when it was given so (the due date counts them from registration). */
  workingDays: z.number().int().min(1).max(250).optional(),
  /** A photograph of the 批示 page (evidence file). */
  photo: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  registeredBy: z.string(),
  registeredAt: Instant,
  seq: z.number().int().positive(),
  /** When the result went back to the leader (all parts 办结). */
  reported: z.object({ at: Instant, seq: z.number().int() }).optional(),
});
export type InstructionMeta = z.infer<typeof InstructionMeta>;

export const InstructionBody = z
  .object({
    leader: z.string().trim().min(1, '请写明批示领导').max(40),
    leaderPersonId: z.string().max(128).optional(),
    text: z.string().trim().min(2, '请录入批示内容').max(2000, '批示内容最多 2000 字'),
    docTitle: z.string().trim().min(2, '请写明来文标题').max(200),
    docNo: z.string().trim().max(60).optional(),
    date: IsoDate,
    urgency: Urgency.default('normal'),
    /** The 办结 date, or a 办理时限 in working days from today (one of them). */
    due: IsoDate.optional(),
    workingDays: z.number().int().min(1, '办理时限至少 1 个工作日').max(250).optional(),
    /** What the task list shows (default: the document's title). */
    title: z.string().trim().min(2).max(100).optional(),
    leadUnitIds: z.array(z.string().min(1).max(128)).min(1, '请至少选择一个牵头单位').max(20),
    coUnitIds: z.array(z.string().min(1).max(128)).max(60).default([]),
    photo: z
      .string()
      .regex(/^[0-9a-f]{64}$/, '文件标识不正确')
      .optional(),
  })
  .refine((b) => (b.due === undefined) !== (b.workingDays === undefined), {
    message: '请填写办结日期或办理时限(工作日)其中一项',
    path: ['due'],
  });
export type InstructionBody = z.infer<typeof InstructionBody>;

export const InstructionView = InstructionMeta.extend({
  number: z.number().int(),
  title: z.string(),
  due: IsoDate,
  units: z.array(
    z.object({
      id: Id,
      name: z.string(),
      role: z.enum(['lead', 'co']),
      status: z.enum(['active', 'closed']),
      light: z.enum(['red', 'yellow', 'green']),
      acknowledged: z.boolean(),
    }),
  ),
  /** 办理中 · 已办结 (every part closed). */
  status: z.enum(['open', 'closed']),
  light: z.enum(['red', 'yellow', 'green']),
});
export type InstructionView = z.infer<typeof InstructionView>;

export const InstructionList = z.object({
  today: IsoDate,
  items: z.array(InstructionView),
  /** The district's leaders with an account (who a result can be reported back to): the register form's choices. */
  leaders: z.array(z.object({ id: z.string(), name: z.string(), title: z.string().optional() })),
});
export type InstructionList = z.infer<typeof InstructionList>;
