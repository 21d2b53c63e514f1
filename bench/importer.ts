/** Import speed of the seed plan (parse, resolve units, expand groups). */
import { readFileSync } from 'node:fs';
import { importPlan } from '../server/src/importer/import-plan.js';
import { ms, percentile, timeEach } from './stats.js';

export async function benchImporter(): Promise<void> {
  const directory = JSON.parse(readFileSync('seeds/units.json', 'utf8'));
  const content = readFileSync('seeds/plans/yuecheng-2018-lqstg.txt');
  const times = await timeEach(50, () => importPlan({ name: 'plan.txt', content }, directory));
  console.log(
    `\n## Importer\nSeed plan (74 tasks → 988 assignments): p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms`,
  );
}
