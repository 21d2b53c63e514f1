import { z } from 'zod';
import { IsoDate } from '../../../shared/schemas/common.js';

/** seeds/holidays/<year>.json: the year's statutory holidays and 调休 working days (authoritative). */
export const HolidayOverride = z.object({
  year: z.number().int().min(2000).max(2100),
  source: z.string().optional(),
  holidays: z.record(IsoDate, z.string().min(1)),
  workdays: z.record(IsoDate, z.string().min(1)).default({}),
});
export type HolidayOverride = z.infer<typeof HolidayOverride>;
