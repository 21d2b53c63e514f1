/**
 * 2019-06-30 → 6月30日 when it is in the year of `today`, else 2018年6月30日: a date of another
 * year never reads as this year's (an overdue item from last year said "3月25日截止" in 2023).
 */
export function cnDate(iso: string, today?: string): string {
  const short = `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
  return today !== undefined && today.slice(0, 4) !== iso.slice(0, 4) ? `${iso.slice(0, 4)}年${short}` : short;
}

/** 2019-06-30 → 2019年6月30日: a date as a formal document writes it (落款, 文件日期), always with its year. */
export const cnFullDate = (iso: string): string => `${iso.slice(0, 4)}年${cnDate(iso)}`;
