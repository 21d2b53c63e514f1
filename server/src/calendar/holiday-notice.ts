import { toSimplified } from '../naming/simplify.js';
import { fromDay, toDay } from './dates.js';
import type { HolidayOverride } from '../model/holiday-override.js';

/**
 * Reads the State Council's 《关于YYYY年部分节假日安排的通知》 as an official pastes it into a
 * year's calendar: each festival's days off (a range "2月15日…至23日", a range across months, a
 * single day, "补休" days) and its 调休 working days ("…上班", several separated by 、). Traditional
 * characters (reposts from Hong Kong or Taiwan sites) are read through opencc-js; full-width digits
 * and brackets through NFKC; bracketed weekdays and lunar dates are ignored (the dates say it all).
 * Nothing is guessed: a festival whose days cannot be read is reported, not skipped silently.
 */
export interface NoticeReading {
  override: HolidayOverride;
  /** Festivals read, in order, with their days off and working days (for the confirm step). */
  festivals: Array<{ name: string; off: string[]; work: string[] }>;
  /** What could not be read (the caller refuses to store a reading with problems). */
  problems: string[];
}

const FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
/** Headings as the notices write them (清明/端午/中秋 sometimes without 节). */
const NAME = '(?:元旦|春节|清明节?|劳动节|五一劳动节|端午节?|中秋节?|国庆节?)';
const HEADING = new RegExp(`(${NAME}(?:\\s*[、和与]\\s*${NAME})*)\\s*[::]`, 'g');

function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC'))
    .replace(/[\u200b\ufeff]/g, '')
    .replace(/\([^()]*\)/g, '') // (周四) (农历腊月二十八、周日)
    .replace(/[ \t]+/g, '')
    .replace(/\r?\n/g, '');
}

const canonical = (name: string): string => {
  const n = name.replace(/^五一/, '');
  return FESTIVALS.find((f) => f === n || f === `${n}节`) ?? n;
};

/** The year the notice is about, from its title ("关于2027年部分节假日安排的通知"). */
export function noticeYear(text: string): number | undefined {
  const m = /关于\s*(20\d{2})\s*年\s*部分节假日安排/.exec(normalise(text));
  return m ? Number(m[1]) : undefined;
}

const DATE = /(?:(\d{1,2})月)?(\d{1,2})日/g;

/** Days named in a clause: single dates and ranges (至/-/–/~), a range's end taking its start's month. */
function daysIn(clause: string, year: number): string[] {
  const out: string[] = [];
  const marks: Array<{ at: number; end: number; month?: number; day: number }> = [];
  for (const m of clause.matchAll(DATE))
    marks.push({
      at: m.index,
      end: m.index + m[0].length,
      ...(m[1] ? { month: Number(m[1]) } : {}),
      day: Number(m[2]),
    });
  let month: number | undefined;
  for (let i = 0; i < marks.length; i += 1) {
    const a = marks[i]!;
    month = a.month ?? month;
    if (month === undefined) continue;
    const start = iso(year, month, a.day);
    const b = marks[i + 1];
    const between = b ? clause.slice(a.end, b.at) : '';
    if (b && /^(?:至|到|-|—|–|~|～)$/.test(between)) {
      const endMonth = b.month ?? month;
      const end = iso(year, endMonth, b.day);
      for (let d = toDay(start); d <= toDay(end); d += 1) out.push(fromDay(d));
      month = endMonth;
      i += 1;
    } else out.push(start);
  }
  return out;
}

const iso = (y: number, m: number, d: number): string =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function readHolidayNotice(text: string, year: number, source = '国务院办公厅放假安排通知'): NoticeReading {
  const plain = normalise(text);
  const problems: string[] = [];
  const heads = [...plain.matchAll(HEADING)];
  const festivals: NoticeReading['festivals'] = [];
  const holidays: Record<string, string> = {};
  const workdays: Record<string, string> = {};
  for (let i = 0; i < heads.length; i += 1) {
    const h = heads[i]!;
    const body = plain.slice(h.index + h[0].length, heads[i + 1]?.index ?? plain.length);
    const names = h[1]!.split(/[、和与]/).map(canonical);
    const name = names.join('、');
    const sentences = body.split(/[。;;]/).filter(Boolean);
    const off: string[] = [];
    const work: string[] = [];
    for (const s of sentences) {
      if (/上班/.test(s)) work.push(...daysIn(s.replace(/上班.*$/, ''), year));
      else if (/放假|补休|休息/.test(s)) off.push(...daysIn(s, year));
    }
    if (off.length === 0) {
      problems.push(`没有读出"${name}"的放假日期`);
      continue;
    }
    for (const d of off) holidays[d] = names[0] === '中秋节' && names.includes('国庆节') ? '国庆节' : names.at(-1)!;
    for (const d of work) workdays[d] = `${names.at(-1)!}调休上班`;
    festivals.push({ name, off, work });
  }
  if (heads.length === 0) problems.push('没有读出任何节日:请粘贴通知正文(含"元旦:""春节:"等各项)');
  const clash = Object.keys(workdays).filter((d) => holidays[d]);
  if (clash.length) problems.push(`${clash.join('、')} 既是放假日又是上班日,请核对通知原文`);
  const outside = [...Object.keys(holidays), ...Object.keys(workdays)].filter((d) => !d.startsWith(`${year}-`));
  if (outside.length) problems.push(`${outside.join('、')} 不在 ${year} 年内`);
  const bad = [...Object.keys(holidays), ...Object.keys(workdays)].filter((d) => fromDay(toDay(d)) !== d);
  if (bad.length) problems.push(`日期不存在:${bad.join('、')}`);
  const missing = FESTIVALS.filter((f) => !festivals.some((x) => x.name.split('、').includes(f)));
  if (festivals.length > 0 && missing.length > 0) problems.push(`通知中没有读到:${missing.join('、')}`);
  return { override: { year, source, holidays, workdays }, festivals, problems };
}
