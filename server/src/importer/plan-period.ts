/**
 * A plan's period as its title says it: "2018–2022年" / "(2021—2025)" / "2024年…" / "2023年度…".
 * A title naming no year leaves it to the year the plan was issued (one year), which the import
 * preview shows for the 督考办 to confirm or change. Years outside 2000–2100 are not periods.
 */
export interface PlanPeriod {
  from: number;
  to: number;
  /** Where it was read: the title, or (no year there) the date it was issued. */
  source: 'title' | 'issued';
}

const YEAR = '((?:19|20|21)\\d{2})';
const RANGE = new RegExp(`${YEAR}\\s*年?\\s*[-—–~～至到－]{1,2}\\s*${YEAR}\\s*年?`);
const SINGLE = new RegExp(`${YEAR}\\s*年`);

export function planPeriodOf(title: string, issuedOn?: string): PlanPeriod | undefined {
  const range = RANGE.exec(title);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to >= from && to - from <= 20) return { from, to, source: 'title' };
  }
  const single = SINGLE.exec(title);
  if (single) {
    const y = Number(single[1]);
    return { from: y, to: y, source: 'title' };
  }
  if (issuedOn) {
    const y = Number(issuedOn.slice(0, 4));
    return { from: y, to: y, source: 'issued' };
  }
  return undefined;
}
