import { relativeDate, type SpringFestival } from '../naming/date-expression.js';

/**
 * A date as officials write it in a 延期 request — 月底 / 下月15号 / 明年3月 / 下周五 / 6.30 /
 * 2019/3/31 / 春节前 / 6月30日 / 2019-06-30 — seen from `today` (YYYY-MM-DD, Shanghai). The one
 * reader is the shared `relativeDate` (naming/date-expression.ts), which the importer uses too.
 * Undefined when it is not a date (2019-02-30 included).
 */
export function botDate(dateText: string, today: string, springFestival?: SpringFestival): string | undefined {
  return relativeDate(dateText, today, springFestival ? { springFestival } : {})?.due;
}
