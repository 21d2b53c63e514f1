/**
 * npm run calendar -- --file <通知.txt|年份.json> [--year 2027] [--dry-run] [--replace]
 *
 * Adds a year's 放假安排 without a code change: the State Council's notice as text (read like the
 * workbench's 工作日历 page reads a paste) or a JSON file ({ year, holidays, workdays }). Prints the
 * year as a calendar to check; unless --dry-run, records it in the ledger (`calendar.yearAdded`)
 * and stores it with the state — the running server picks it up at its next tick. With the
 * embedded store the server must be stopped (or use the workbench page); with
 * DUBAN_DATABASE_URL it writes to the database while the servers run.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import './pipe-safe.js';
import { loadCalendar } from '../calendar/load-calendar.js';
import { noticeYear, readHolidayNotice } from '../calendar/holiday-notice.js';
import { fromDay, toDay } from '../calendar/dates.js';
import { WorkCalendar } from '../calendar/work-calendar.js';
import { HolidayOverride } from '../model/holiday-override.js';
import { loadConfig } from '../config.js';
import { addCalendarYear, syncCalendar } from '../domain/calendar/calendar-years.js';
import { AppError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import { openPgStore } from '../store/pg/pg-store.js';

/** The year's months, one line each: days off as 休, 调休 working days as 班. */
export function calendarText(o: HolidayOverride): string {
  const cal = new WorkCalendar([o]);
  const lines: string[] = [];
  for (let m = 1; m <= 12; m += 1) {
    const marks: string[] = [];
    for (let d = toDay(`${o.year}-${String(m).padStart(2, '0')}-01`); ; d += 1) {
      const day = fromDay(d);
      if (Number(day.slice(5, 7)) !== m) break;
      const info = cal.info(day);
      const weekend = [0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay());
      if (!info.working && !weekend) marks.push(`${Number(day.slice(8))}休`);
      if (info.working && weekend) marks.push(`${Number(day.slice(8))}班`);
    }
    if (marks.length) lines.push(`  ${String(m).padStart(2)}月  ${marks.join(' ')}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      year: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.file) {
    console.log('用法:npm run calendar -- --file <放假安排通知.txt|年份.json> [--year 2027] [--dry-run] [--replace]');
    process.exit(values.file ? 0 : 2);
  }
  const text = await readFile(values.file, 'utf8');
  let year: HolidayOverride;
  if (values.file.endsWith('.json')) {
    year = HolidayOverride.parse(JSON.parse(text));
  } else {
    const y = values.year ? Number(values.year) : noticeYear(text);
    if (!y) throw new AppError('VALIDATION_FAILED', '没有读出年份:请加 --year 2027,或连同通知标题一起保存');
    const r = readHolidayNotice(text, y);
    for (const f of r.festivals)
      console.log(
        `${f.name}:放假 ${f.off.length} 天(${f.off[0]} 至 ${f.off.at(-1)})${f.work.length ? `,${f.work.join('、')} 上班` : ''}`,
      );
    if (r.problems.length) {
      for (const p of r.problems) console.error(`! ${p}`);
      throw new AppError('VALIDATION_FAILED', '通知没有完整读出,未保存:请核对原文,或改用 JSON 文件');
    }
    year = r.override;
  }
  console.log(`\n${year.year} 年(休:放假的工作日;班:调休上班的周末)\n${calendarText(year)}`);
  if (values['dry-run']) return;
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  const store = config.databaseUrl
    ? await openPgStore(config.databaseUrl, { clock: () => new Date() })
    : await openStore(config.dataDir, { clock: () => new Date() });
  try {
    const calendar = await loadCalendar(config.seedsDir);
    syncCalendar(calendar, store.state.get());
    const r = await addCalendarYear(store, calendar, year, { type: 'system', name: '命令行' }, 'cli', {
      replace: values.replace,
    });
    console.log(
      `已保存 ${r.year} 年放假安排:放假 ${r.holidays} 天,调休上班 ${r.workdays} 天${r.replaced ? '(替换原有数据)' : ''}。`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`保存失败:${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
