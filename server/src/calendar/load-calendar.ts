import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkCalendar } from './work-calendar.js';
import { HolidayOverride } from '../model/holiday-override.js';

/** Reads and validates seeds/holidays/<year>.json files (the directory may be absent). */
export async function loadCalendar(seedsDir: string): Promise<WorkCalendar> {
  const dir = join(seedsDir, 'holidays');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => /^\d{4}\.json$/.test(n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const overrides = await Promise.all(
    names.map(async (n) => {
      const parsed = HolidayOverride.safeParse(JSON.parse(await readFile(join(dir, n), 'utf8')));
      if (!parsed.success)
        throw new Error(
          `节假日文件 ${join(dir, n)} 格式有误:${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join(';')}`,
        );
      if (`${parsed.data.year}.json` !== n)
        throw new Error(`节假日文件 ${n} 的 year 字段是 ${parsed.data.year},与文件名不符`);
      return parsed.data;
    }),
  );
  return new WorkCalendar(overrides);
}
