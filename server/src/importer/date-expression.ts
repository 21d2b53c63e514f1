import { normalizeText } from '../naming/names.js';

export interface DateMatch {
  /** YYYY-MM-DD: the last day the expression allows. */
  due: string;
  /** The matched wording. */
  text: string;
  index: number;
  /** True when the year was not written and was taken from the context. */
  yearAssumed: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const lastDayOfMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const iso = (y: number, m: number, d: number): string => `${y}-${pad(m)}-${pad(d)}`;

/**
 * Finds a deadline expression such as 2021年底前, 2019年6月底前, 2018年11月中旬前, 2020年上半年,
 * 2019年第三季度, 2019年3月15日前, 2019-06-30, and resolves it to the last day it allows:
 * 上旬 → 10th, 中旬 → 20th, 下旬/底/末 → month end, 上半年 → 06-30, 年中 → 06-30, 年底 → 12-31,
 * 第N季度 → the quarter's last day. Without a year, `contextYear` is used (and reported).
 */
export function findDateExpression(raw: string, contextYear?: number): DateMatch | undefined {
  const text = normalizeText(raw);
  const patterns: Array<[RegExp, (m: RegExpExecArray, y: number) => string | undefined]> = [
    [/(\d{4})[-./](\d{1,2})[-./](\d{1,2})/, (m, y) => day(y, +m[2]!, +m[3]!)],
    [/(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日/, (m, y) => day(y, +m[2]!, +m[3]!)],
    [/(?:(\d{4})年)?(\d{1,2})月(上旬|中旬|下旬|初|中|底|末|份)?/, (m, y) => month(y, +m[2]!, m[3])],
    [/(?:(\d{4})年)?第?([一二三四1-4])季度/, (m, y) => quarter(y, m[2]!)],
    [/(?:(\d{4})年?)?(上半年|下半年|年中|年底|年末|年内|全年)/, (m, y) => half(y, m[2]!)],
    [/(\d{4})年(?!\d)/, (_m, y) => iso(y, 12, 31)],
  ];
  for (const [re, resolve] of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const written = m[1] ? Number(m[1]) : undefined;
    const year = written ?? contextYear;
    if (year === undefined || year < 1990 || year > 2100) continue;
    const due = resolve(m, year);
    if (!due) return undefined; // a date was written but does not exist: do not guess another
    return { due, text: m[0], index: m.index, yearAssumed: written === undefined };
  }
  return undefined;
}

function day(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > lastDayOfMonth(y, m)) return undefined;
  return iso(y, m, d);
}

function month(y: number, m: number, part: string | undefined): string | undefined {
  if (m < 1 || m > 12) return undefined;
  if (part === '上旬' || part === '初') return iso(y, m, 10);
  if (part === '中旬' || part === '中') return iso(y, m, 20);
  return iso(y, m, lastDayOfMonth(y, m));
}

function quarter(y: number, q: string): string {
  const n = '一二三四'.indexOf(q) + 1 || Number(q);
  return iso(y, n * 3, lastDayOfMonth(y, n * 3));
}

function half(y: number, word: string): string {
  return word === '上半年' || word === '年中' ? iso(y, 6, 30) : iso(y, 12, 31);
}
