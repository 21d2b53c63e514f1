import type { Actor } from '../../model/ledger.js';
import { shanghaiDate } from '../../calendar/dates.js';
import type { WorkCalendar } from '../../calendar/work-calendar.js';
import { HolidayOverride } from '../../model/holiday-override.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';

/** How many days before a year without 放假安排 the warning starts (the State Council publishes in Nov/Dec). */
export const WARN_DAYS_BEFORE = 60;

/**
 * Years the 督考办 added stay in the state; the running calendar takes them (at start, after an
 * addition, at each scheduler tick — so every instance of a deployment follows).
 */
export function syncCalendar(calendar: WorkCalendar, state: Readonly<State>): void {
  for (const o of state.calendarYears ?? []) calendar.addYear(o);
}

/**
 * Adds a year's 放假安排 (read from the notice and confirmed, or a JSON file): validated, recorded
 * in the ledger (`calendar.yearAdded`) and stored with the state, then used at once. A year the
 * package already has may be replaced only deliberately (a corrected notice).
 */
export async function addCalendarYear(
  store: Store,
  calendar: WorkCalendar,
  input: unknown,
  actor: Actor,
  channel: 'miniapp' | 'cli',
  o: { replace?: boolean } = {},
): Promise<{ year: number; holidays: number; workdays: number; replaced: boolean }> {
  const parsed = HolidayOverride.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      'VALIDATION_FAILED',
      `放假安排格式有误:${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join(';')}`,
    );
  const year = parsed.data;
  const wrong = [...Object.keys(year.holidays), ...Object.keys(year.workdays)].filter(
    (d) => !d.startsWith(`${year.year}-`),
  );
  if (wrong.length) throw new AppError('VALIDATION_FAILED', `${wrong.slice(0, 5).join('、')} 不在 ${year.year} 年内`);
  const clash = Object.keys(year.workdays).filter((d) => year.holidays[d]);
  if (clash.length) throw new AppError('VALIDATION_FAILED', `${clash.join('、')} 既是放假日又是上班日`);
  if (Object.keys(year.holidays).length < 10)
    throw new AppError(
      'VALIDATION_FAILED',
      `${year.year} 年的放假日只有 ${Object.keys(year.holidays).length} 天,不像完整的放假安排,请核对`,
    );
  const had = calendar.yearSource(year.year) !== 'missing';
  if (had && !o.replace)
    throw new AppError('CONFLICT', `${year.year} 年已有节假日数据;如需按新通知更正,请确认"替换"后再保存`);
  await store.transact((draft, tx) => {
    tx.append({
      type: 'calendar.yearAdded',
      actor,
      subject: { type: 'calendar', id: String(year.year) },
      channel,
      payload: {
        year: year.year,
        source: (year.source ?? '国务院办公厅放假安排通知').slice(0, 200),
        holidays: year.holidays,
        workdays: year.workdays,
        replaced: had,
      },
    });
    draft.calendarYears = [...(draft.calendarYears ?? []).filter((y) => y.year !== year.year), year].sort(
      (a, b) => a.year - b.year,
    );
  });
  calendar.addYear(year);
  return {
    year: year.year,
    holidays: Object.keys(year.holidays).length,
    workdays: Object.keys(year.workdays).length,
    replaced: had,
  };
}

/**
 * What an operator and the 督考办 must hear about the calendar: years the plans run in (and this
 * year) without 放假安排, and — from 60 days before it starts — next year's, so it is added before
 * the reminders would stop.
 */
export function calendarWarnings(state: Readonly<State>, calendar: WorkCalendar, now: Date): string[] {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  const years = state.plans.flatMap((p) => (p.period ? [p.period.from, p.period.to] : []));
  const missing = calendar.missingYears(Math.min(year, ...years), Math.max(year, ...years)).filter((y) => y <= year);
  const out: string[] = [];
  if (missing.length > 0)
    out.push(
      `缺少 ${missing.join('、')} 年的节假日数据,这些年份不会发送提醒:请督考办在"工作日历"中粘贴国务院放假安排通知补充`,
    );
  const next = year + 1;
  const daysLeft = (Date.parse(`${next}-01-01T00:00:00+08:00`) - Date.parse(`${today}T00:00:00+08:00`)) / 86_400_000;
  if (daysLeft <= WARN_DAYS_BEFORE && !calendar.hasYear(next))
    out.push(
      `还没有 ${next} 年的节假日数据:${next} 年 1 月起将无法按工作日提醒。国务院公布放假安排后,请督考办在"工作日历"中粘贴通知补充`,
    );
  return out;
}
