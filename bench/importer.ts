/** Import speed: the seed plan, and documents of 1,000 tasks in three shapes (#36 req 6: < 3 s). */
import { readFileSync } from 'node:fs';
import { importPlan } from '../server/src/importer/import-plan.js';
import { ms, percentile, timeEach } from './stats.js';

interface DirectoryFile {
  units: Array<{ name: string; kind?: string }>;
}

/** A decomposition table of `n` tasks, with units from the directory and a 完成时限 per task. */
function bigDocument(directory: DirectoryFile, n: number, shape: 'pipe' | 'paragraphs' | 'glued'): Uint8Array {
  const names = directory.units.filter((u) => u.kind !== 'group').map((u) => u.name);
  const rows: string[][] = [];
  for (let i = 1; i <= n; i += 1) {
    const lead = names[i % names.length]!;
    const co = `${names[(i * 7) % names.length]!}、${names[(i * 13) % names.length]!}`;
    rows.push([
      String(i),
      `推进第${i}项重点工作,完善工作机制并按期完成建设任务`,
      lead,
      co,
      `2022年${(i % 12) + 1}月底前`,
    ]);
  }
  const header = ['序号', '重点工作', '牵头单位', '配合单位', '完成时限'];
  const text =
    shape === 'pipe'
      ? [`2022年重点工作任务分解`, header.join(' | '), ...rows.map((r) => r.join(' | '))].join('\n')
      : shape === 'glued'
        ? // a PDF's text layer: cells run together, the header again and a page number every 20 rows
          [
            '2022年重点工作任务分解',
            header.join(''),
            ...rows.flatMap((r, k) => [
              r.join(''),
              ...(k % 20 === 19 ? [`- ${(k + 1) / 20 + 1} -`, header.join('')] : []),
            ]),
          ].join('\n')
        : ['2022年重点工作任务分解', '', ...[header, ...rows].flatMap((r) => r.flatMap((c) => [c, '']))].join('\n');
  return new TextEncoder().encode(text);
}

export async function benchImporter(): Promise<void> {
  const directory = JSON.parse(readFileSync('seeds/units.json', 'utf8')) as DirectoryFile;
  const content = readFileSync('seeds/plans/yuecheng-2018-lqstg.txt');
  const times = await timeEach(50, () => importPlan({ name: 'plan.txt', content }, directory as never));
  console.log(
    `\n## Importer\nSeed plan (74 tasks → 988 assignments): p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms`,
  );
  for (const shape of ['pipe', 'paragraphs', 'glued'] as const) {
    const doc = bigDocument(directory, 1000, shape);
    let tasks = 0;
    const big = await timeEach(5, async () => {
      tasks = (await importPlan({ name: 'big.txt', content: doc }, directory as never)).tasks.length;
    });
    console.log(
      `1,000-task document (${{ pipe: '| rows', paragraphs: 'one cell per paragraph', glued: 'cells run together, header per page' }[shape]}, ${(doc.length / 1024).toFixed(0)} KB → ${tasks} tasks, preview included): p50 ${ms(percentile(big, 50))} ms, max ${ms(Math.max(...big))} ms (target < 3 s)`,
    );
  }
}
