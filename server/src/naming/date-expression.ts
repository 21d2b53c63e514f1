import { chineseNumeral, normalizeText } from './names.js';

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

/** The first day of the Spring Festival holiday in a year, where the package knows it (for 春节前). */
export type SpringFestival = (year: number) => string | undefined;

const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * A date as officials write one in a message, seen from `today` (YYYY-MM-DD, Shanghai) — the forms
 * the importer reads (6月30日, 2019-06-30, 3月底, 二季度, 年底) and the relative ones a reply uses:
 * 明年3月 / 后年 / 今年年底, 下月15号 / 本月底 / 下月底 / 月底, 下周五 / 周五, 6.30 / 2019/3/31,
 * 春节前. A date without a year that has already passed this year means next year's (an official
 * asking to extend to 3月 in November means next March). Undefined when there is no date, or the
 * one written does not exist (2019-02-30): never another guessed instead.
 */
export function relativeDate(
  raw: string,
  today: string,
  o: { springFestival?: SpringFestival } = {},
): DateMatch | undefined {
  // 三月三十一日 → 3月31日: numerals in words before 月/日/号 read like digits
  const text = normalizeText(raw)
    .replace(/\s+/g, ' ')
    .replace(/([零〇一二两三四五六七八九十]{1,3})(?=[月日号])/g, (w) => String(chineseNumeral(w) ?? w));
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const at = (re: RegExp): RegExpExecArray | null => re.exec(text);
  const found = (due: string | undefined, hit: RegExpExecArray, yearAssumed = false): DateMatch | undefined =>
    due ? { due, text: hit[0], index: hit.index, yearAssumed } : undefined;

  // 明年3月(底) / 后年6月 / 今年年底 / 明年年底 / 明年上半年: a year word in front of an expression
  const yearWord = at(/(今年|明年|后年)(?=[\d一二三四五六七八九十年上下第])/);
  if (yearWord) {
    const year = y + ['今年', '明年', '后年'].indexOf(yearWord[1]!);
    const rest = findDateExpression(text.slice(yearWord.index + yearWord[0].length), year);
    if (rest) return { due: rest.due, text: yearWord[0] + rest.text, index: yearWord.index, yearAssumed: false };
    const bare = /^年?(底|末|内)/.exec(text.slice(yearWord.index + yearWord[0].length));
    if (bare) return { due: iso(year, 12, 31), text: yearWord[0] + bare[0], index: yearWord.index, yearAssumed: false };
  }
  // 本月底 / 月底 / 下月底 / 下月15号 / 下个月15日
  let hit = at(/(?<![\d月])(本月|这个月|下个?月|月)(底|末)|(本月|这个月|下个?月)(\d{1,2})[号日]/);
  if (hit) {
    const which = hit[1] ?? hit[3]!;
    const [yy, mm] = which.startsWith('下') ? (m === 12 ? [y + 1, 1] : [y, m + 1]) : [y, m];
    const d = hit[4] ? Number(hit[4]) : lastDayOfMonth(yy, mm);
    return found(day(yy, mm, d), hit);
  }
  // 下周五 / 本周五 / 周五 / 星期五
  hit = at(/(下|本|这)?(?:周|星期|礼拜)([一二三四五六日天])/);
  if (hit) {
    const want = '一二三四五六'.indexOf(hit[2]!) + 1 || 7; // Monday 1 … Sunday 7
    const t = new Date(`${today}T00:00:00Z`);
    const monday = t.getTime() - ((t.getUTCDay() || 7) - 1) * 86_400_000;
    const due = new Date(monday + ((hit[1] === '下' ? 7 : 0) + want - 1) * 86_400_000).toISOString().slice(0, 10);
    return found(due, hit);
  }
  // 2019/3/31 · 2019.3.31
  hit = at(/(\d{4})[/.](\d{1,2})[/.](\d{1,2})/);
  if (hit) return found(day(Number(hit[1]), Number(hit[2]), Number(hit[3])), hit);
  // 春节前: the day before the holiday begins (the package's year), this year's or, once past, next year's
  hit = at(/春节(前|之前|以前)/);
  if (hit && o.springFestival) {
    for (const year of [y, y + 1]) {
      const first = o.springFestival(year);
      if (first && addDays(first, -1) >= today) return found(addDays(first, -1), hit);
    }
    return undefined;
  }
  // the importer's forms (年底, 3月底, 6月30日, 二季度末, 2019-06-30 …), a passed yearless date meaning next year's
  const plain = findDateExpression(text.replace(/(\d{1,2})\.(\d{1,2})(?![\d.])/, '$1月$2日'), y);
  if (plain) {
    if (plain.yearAssumed && plain.due < today) {
      const again = findDateExpression(plain.text, y + 1);
      if (again) return { ...again, index: plain.index };
    }
    return plain;
  }
  return undefined;
}
