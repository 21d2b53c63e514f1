import { z } from 'zod';
import { IsoDate } from './common.js';

/**
 * A parsed 时间要求. `text` is always the original wording; `type` decides what reminders mean
 * (see the README table). `flagged` marks wording the parser did not recognise: it is treated as
 * annual and shown to the 督考办 for a decision.
 */
export const ScheduleType = z.enum([
  'annual', // 每年推进 / 每年开展 / 逐年推进
  'continuous', // 持续推进
  'periodic', // 定期开展
  'deadline', // 2021年底前完成 …
  'superior', // 落实上级和区委部署 / 执行上级有关规定
  'asNeeded', // 适时实施 / 根据实际需要制订
  'oneOff', // 实施制定
]);
export type ScheduleType = z.infer<typeof ScheduleType>;

export const ScheduleRule = z.object({
  type: ScheduleType,
  text: z.string(),
  /** Deadline tasks only: the resolved due date. */
  due: IsoDate.optional(),
  /**
   * Dated steps before the deadline the document names (5月底前动工, then 年底前建成): each is an
   * item of its own, due on its date, in the words the document used.
   */
  milestones: z
    .array(z.object({ due: IsoDate, text: z.string().max(200) }))
    .max(12)
    .optional(),
  /** True when the wording was not recognised (treated as annual) or no wording was given. */
  flagged: z.boolean().optional(),
  /** Where the rule came from when the document gave no wording (e.g. a measure of the body). */
  source: z.enum(['document', 'default']).default('document'),
});
export type ScheduleRule = z.infer<typeof ScheduleRule>;
