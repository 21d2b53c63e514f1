import { describe, expect, it } from 'vitest';
import { CalendarMissingError, WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { loadCalendar } from '../../server/src/calendar/load-calendar.js';
import { SEEDS_DIR } from '../helpers/seeds.js';

describe('working-day calendar (Asia/Shanghai, chinese-days + overrides)', () => {
  const c = new WorkCalendar();

  it('knows holidays, 调休 make-up days and weekends, with names', () => {
    expect(c.info('2026-02-14')).toMatchObject({ working: true, name: '春节调休上班' });
    expect(c.info('2026-02-16')).toMatchObject({ working: false, name: '春节' });
    expect(c.info('2026-10-01')).toMatchObject({ working: false, name: '国庆节' });
    expect(c.info('2026-10-10')).toMatchObject({ working: true, name: '国庆节调休上班' });
    expect(c.info('2026-03-01')).toMatchObject({ working: false, name: '周日' });
    expect(c.info('2019-06-07')).toMatchObject({ working: false, name: '端午节' });
    expect(c.info('2019-01-01')).toMatchObject({ working: false, name: '元旦' });
  });

  it('adds and counts working days across holidays', () => {
    expect(c.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(c.addWorkingDays('2026-10-08', -1)).toBe('2026-09-30');
    expect(c.addWorkingDays('2026-02-15', 0)).toBe('2026-02-24');
    expect(c.workingDaysBetween('2026-02-14', '2026-02-24')).toBe(1);
    expect(c.workingDaysBetween('2026-02-24', '2026-02-14')).toBe(-1);
    expect(c.workingDaysBetween('2019-01-01', '2020-01-01')).toBe(250);
  });

  it('never guesses a year it has no data for', () => {
    expect(c.missingYears(2025, 2028)).toEqual([2027, 2028]);
    expect(c.info('2027-03-01').source).toBe('guess');
    expect(() => c.isWorkingDay('2027-03-01')).toThrow(CalendarMissingError);
    expect(() => c.addWorkingDays('2026-12-30', 5)).toThrow('没有 2027 年的节假日数据');
  });

  it('takes an override file for a missing year (and it wins for that year)', () => {
    const withOverride = new WorkCalendar([
      {
        year: 2027,
        holidays: { '2027-01-01': '元旦', '2027-02-08': '春节' },
        workdays: { '2027-02-06': '春节调休上班' },
      },
    ]);
    expect(withOverride.missingYears(2026, 2027)).toEqual([]);
    expect(withOverride.info('2027-02-06')).toMatchObject({ working: true, name: '春节调休上班', source: 'override' });
    expect(withOverride.isWorkingDay('2027-02-08')).toBe(false);
    expect(withOverride.isWorkingDay('2027-03-01')).toBe(true);
  });

  it("loads the project's override directory (absent or valid)", async () => {
    const loaded = await loadCalendar(SEEDS_DIR);
    expect(loaded.isWorkingDay('2026-02-14')).toBe(true);
  });
});
