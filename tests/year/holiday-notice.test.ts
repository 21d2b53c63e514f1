import { readFileSync } from 'node:fs';
import { Converter } from 'opencc-js/cn2t';
import { describe, expect, it } from 'vitest';
import { fromDay, toDay } from '../../server/src/calendar/dates.js';
import { noticeYear, readHolidayNotice } from '../../server/src/calendar/holiday-notice.js';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { ROOT } from '../helpers/seeds.js';

const notice = (y: number) => readFileSync(`${ROOT}tests/fixtures/holidays/notice-${y}.txt`, 'utf8');

/** Every day of the year: working or not, by the notice and by chinese-days. */
function sameYear(y: number, text: string): string[] {
  const r = readHolidayNotice(text, y);
  expect(r.problems).toEqual([]);
  const fromNotice = new WorkCalendar([r.override]);
  const fromPackage = new WorkCalendar();
  const diff: string[] = [];
  for (let d = toDay(`${y}-01-01`); d <= toDay(`${y}-12-31`); d += 1) {
    const day = fromDay(d);
    if (fromNotice.isWorkingDay(day) !== fromPackage.isWorkingDay(day)) diff.push(day);
  }
  return diff;
}

describe('the State Council’s 放假安排 notice, as pasted (#31 req 6)', () => {
  it('reads the year from the title', () => {
    expect(noticeYear(notice(2026))).toBe(2026);
    expect(noticeYear(notice(2025))).toBe(2025);
  });
  it.each([2025, 2026, 2017])('%i: the same working days as chinese-days', (y) => {
    expect(sameYear(y, notice(y))).toEqual([]);
  });
  it('2026 in detail: 9 days of 春节, the 调休 Saturdays and Sundays', () => {
    const r = readHolidayNotice(notice(2026), 2026);
    expect(r.festivals.map((f) => f.name)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    expect(r.festivals[1]).toEqual({
      name: '春节',
      off: [
        '2026-02-15',
        '2026-02-16',
        '2026-02-17',
        '2026-02-18',
        '2026-02-19',
        '2026-02-20',
        '2026-02-21',
        '2026-02-22',
        '2026-02-23',
      ],
      work: ['2026-02-14', '2026-02-28'],
    });
    expect(r.override.workdays).toEqual({
      '2026-01-04': '元旦调休上班',
      '2026-02-14': '春节调休上班',
      '2026-02-28': '春节调休上班',
      '2026-05-09': '劳动节调休上班',
      '2026-09-20': '国庆节调休上班',
      '2026-10-10': '国庆节调休上班',
    });
  });
  it('traditional characters and full-width digits read the same', () => {
    const traditional = Converter({ from: 'cn', to: 'hk' })(notice(2026)).replace(/\d/g, (d: string) =>
      String.fromCharCode(d.charCodeAt(0) + 0xfee0),
    );
    expect(traditional).toContain('春節');
    expect(readHolidayNotice(traditional, 2026).override).toEqual(readHolidayNotice(notice(2026), 2026).override);
  });
  it('says what it could not read instead of guessing', () => {
    expect(readHolidayNotice('元旦放假一天', 2027).problems[0]).toContain('没有读出任何节日');
    const partial = readHolidayNotice('一、元旦:1月1日(周五)放假1天。二、春节:请另行通知。', 2027);
    expect(partial.problems.join()).toContain('没有读出"春节"的放假日期');
    expect(readHolidayNotice('一、元旦:2月30日放假。', 2027).problems.join()).toContain('日期不存在');
  });
});
