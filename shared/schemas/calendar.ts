import { z } from 'zod';
import { IsoDate } from './common.js';

/** The working calendar as the 督考办 maintains it: which years have 放假安排, and adding one. */

const Days = z.record(IsoDate, z.string().min(1).max(40));

export const CalendarYearBody = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  source: z.string().max(200).optional(),
  holidays: Days,
  workdays: Days.default({}),
  /** Replace a year that already has data (a corrected notice). */
  replace: z.boolean().default(false),
});

export const CalendarReadBody = z.strictObject({
  /** The notice as pasted (《关于YYYY年部分节假日安排的通知》). */
  text: z.string().min(1).max(20_000),
  /** The year, when the pasted text lacks the title. */
  year: z.number().int().min(2000).max(2100).optional(),
});

export const CalendarReading = z.object({
  year: z.number().int(),
  festivals: z.array(z.object({ name: z.string(), off: z.array(IsoDate), work: z.array(IsoDate) })),
  problems: z.array(z.string()),
  holidays: Days,
  workdays: Days,
});

export const CalendarStatus = z.object({
  today: IsoDate,
  years: z.array(
    z.object({
      year: z.number().int(),
      /** added: by the 督考办 (or a file); package: shipped with 督办通; missing: no data (no reminders that year). */
      source: z.enum(['added', 'package', 'missing']),
    }),
  ),
  warnings: z.array(z.string()),
});

export const CalendarAdded = z.object({
  year: z.number().int(),
  holidays: z.number().int(),
  workdays: z.number().int(),
  replaced: z.boolean(),
});
