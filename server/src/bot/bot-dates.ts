import { findDateExpression } from '../importer/date-expression.js';

const pad = (n: number): string => String(n).padStart(2, '0');
const monthEnd = (y: number, m: number): string => `${y}-${pad(m)}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;

/**
 * A date as officials write it in a 延期 request — 月底 / 本月底 / 下月底 / 年底 / 周五 / 下周五 /
 * 6月30日 / 2019-06-30 — seen from `today` (YYYY-MM-DD, Shanghai): this year's unless it says.
 * Undefined when it is not a date (2019-02-30 included).
 */
export function botDate(dateText: string, today: string): string | undefined {
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const iso = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(dateText);
  if (iso) {
    const [yy, mm, dd] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const date = new Date(Date.UTC(yy, mm - 1, dd));
    return date.getUTCMonth() === mm - 1 && date.getUTCDate() === dd ? `${iso[1]}-${pad(mm)}-${pad(dd)}` : undefined;
  }
  if (dateText === '月底' || dateText === '本月底') return monthEnd(y, m);
  if (dateText === '下月底') return m === 12 ? monthEnd(y + 1, 1) : monthEnd(y, m + 1);
  const week = /^(下|本)?(?:周|星期)([一二三四五六日天])$/.exec(dateText);
  if (week) {
    // 周五 / 本周五: this week's (today if it is that day); 下周五: next week's
    const want = '一二三四五六'.indexOf(week[2]!) + 1 || 7; // Monday 1 … Sunday 7
    const t = new Date(`${today}T00:00:00Z`);
    const monday = t.getTime() - ((t.getUTCDay() || 7) - 1) * 86_400_000;
    return new Date(monday + ((week[1] === '下' ? 7 : 0) + want - 1) * 86_400_000).toISOString().slice(0, 10);
  }
  return findDateExpression(dateText, y)?.due;
}
