import { z } from 'zod';
import { loadSeedFile } from '../../seeds/seed-file.js';
import { ObligationKind } from '../../../../shared/schemas/reminders.js';

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM');
const MonthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '日期格式应为 MM-DD');

/** The reminder policy (seeds/reminder-policy.json), documented in the README. */
export const ReminderPolicy = z
  .object({
    note: z.string().optional(),
    /** When the day's digest goes out (Asia/Shanghai). */
    digestTime: Hhmm.default('09:00'),
    /** Nothing is sent outside these hours. */
    workingHours: z.object({ start: Hhmm, end: Hhmm }).default({ start: '08:30', end: '17:30' }),
    /** Which tasks get obligations: key tasks when the plan has any (else all), or a fixed list. */
    taskKinds: z.union([z.literal('keyIfAny'), z.array(z.enum(['key', 'measure'])).min(1)]).default('keyIfAny'),
    acknowledge: z.object({ withinWorkingDays: z.number().int().min(1).max(60) }).default({ withinWorkingDays: 5 }),
    /** Progress reports: quarterly or monthly, due on `dueDay`; months 6 and 12 are covered by 年中/年末. */
    progress: z
      .object({
        every: z.enum(['quarter', 'month']),
        dueDay: z.number().int().min(1).max(28),
        finalYearEvery: z.enum(['quarter', 'month']),
      })
      .default({ every: 'quarter', dueDay: 25, finalYearEvery: 'month' }),
    midYear: z.object({ due: MonthDay, label: z.string().min(1) }).default({ due: '06-25', label: '年中督查报告' }),
    yearEnd: z.object({ due: MonthDay, label: z.string().min(1) }).default({ due: '12-20', label: '年末自评报告' }),
    /** Nudges N working days before the due date (plus one on the due date). */
    nudges: z
      .object({ beforeWorkingDays: z.array(z.number().int().min(1).max(30)).max(5) })
      .default({ beforeWorkingDays: [5, 1] }),
    /** Overdue items are repeated on overdue day 1 and then every N working days. */
    overdue: z.object({ everyWorkingDays: z.number().int().min(1).max(20) }).default({ everyWorkingDays: 3 }),
    escalation: z
      .object({
        leaderAfterOverdueWorkingDays: z.number().int().min(1),
        supervisorAfterOverdueWorkingDays: z.number().int().min(1),
        /** District leaders (a leader of the district government) hear of overdue items only in the weekly leader digest, unless this is on. */
        districtLeaders: z.boolean().default(false),
      })
      .default({ leaderAfterOverdueWorkingDays: 3, supervisorAfterOverdueWorkingDays: 10, districtLeaders: false })
      .refine(
        (e) => e.supervisorAfterOverdueWorkingDays > e.leaderAfterOverdueWorkingDays,
        '督考办介入的天数应大于分管领导介入的天数',
      ),
    digest: z.object({ maxItems: z.number().int().min(1).max(20) }).default({ maxItems: 8 }),
    todo: z.object({ enabled: z.boolean() }).default({ enabled: true }),
    /** The latest date a 延期 may ask for: the end of the plan's last year, or a date. */
    requests: z
      .object({ latestExtension: z.union([z.literal('planEnd'), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]) })
      .default({ latestExtension: 'planEnd' }),
    /** Reports on these items wait for the 督考办's review (通过 / 退回); reports on other items are taken as filed. */
    review: z
      .object({
        reports: z.array(ObligationKind),
        /** Two steps: the unit's 分管领导 confirms a request or a reviewed report before it reaches the 督考办. */
        leaderFirst: z.boolean().default(false),
      })
      .default({ reports: ['midYear', 'yearEnd'], leaderFirst: false }),
    /**
     * When a year closes without waiting for its 考评 to be final: on this day of the next year
     * (MM-DD) its open items stop being chased (as a final 考评 does). null: only the final 考评 closes it.
     */
    yearClose: z.object({ on: MonthDay.nullable() }).default({ on: null }),
    /** Lights (domain/lights): yellow within N working days of the due date (null: the first reminder's), 已恢复 for N working days. */
    lights: z
      .object({
        yellowWithinWorkingDays: z.number().int().min(0).max(30).nullable().default(null),
        recoveredForWorkingDays: z.number().int().min(0).max(60).default(10),
      })
      .default({ yellowWithinWorkingDays: null, recoveredForWorkingDays: 10 }),
  })
  .refine((p) => p.workingHours.start <= p.digestTime && p.digestTime < p.workingHours.end, '发送时间应在工作时间内');
export type ReminderPolicy = z.infer<typeof ReminderPolicy>;

export const DEFAULT_POLICY: ReminderPolicy = ReminderPolicy.parse({});

export function loadPolicy(seedsDir: string): Promise<ReminderPolicy> {
  return loadSeedFile(seedsDir, 'reminder-policy.json', '提醒规则', ReminderPolicy, DEFAULT_POLICY);
}
