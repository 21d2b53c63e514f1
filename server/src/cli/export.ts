/**
 * npm run export -- --year 2019 --out 台账-2019.xlsx [--data ./data] [--unit fsjd]
 *
 * Writes the year's 台账 (总表, 一事一档, 一单位一档) from a data directory, read-only (works while the
 * server runs). --unit limits it to one unit's rows. With DUBAN_DATABASE_URL (and no --data) it reads the
 * PostgreSQL deployment instead.
 */
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import './pipe-safe.js';
import { loadCalendar } from '../calendar/load-calendar.js';
import { loadConfig } from '../config.js';
import { loadPolicy } from '../domain/policy/policy.js';
import { writeLedgerXlsx } from '../export/ledger-xlsx.js';
import { readLedgerDir } from '../store/ledger/verify.js';
import { readStateReadOnly } from '../store/read-state.js';
import { readPg } from '../store/pg/read-pg.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { year: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, unit: { type: 'string' } },
  });
  const year = Number(values.year);
  if (!Number.isInteger(year) || year < 2000 || !values.out) {
    console.error('用法:npm run export -- --year 2019 --out 台账-2019.xlsx [--data ./data] [--unit 单位编号]');
    process.exit(2);
  }
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  const dataDir = values.data ? resolve(values.data) : config.dataDir;
  const db = !values.data && config.databaseUrl ? readPg(config.databaseUrl) : undefined;
  const state = db ? await db.state() : await readStateReadOnly(dataDir);
  const book = { calendar: await loadCalendar(config.seedsDir), policy: await loadPolicy(config.seedsDir) };
  if (values.unit && !state.units.some((u) => u.id === values.unit))
    throw new Error(`没有编号为 ${values.unit} 的单位`);
  const out = createWriteStream(values.out);
  const t0 = process.hrtime.bigint();
  const r = await writeLedgerXlsx(out, {
    state,
    ledger: db ? db.ledger : readLedgerDir(join(dataDir, 'ledger')),
    book,
    year,
    unitIds: values.unit ? new Set([values.unit]) : undefined,
    district: state.directory.district,
    now: new Date(),
  });
  await new Promise<void>((done, fail) => (out.writableFinished ? done() : out.on('finish', done).on('error', fail)));
  await db?.close();
  console.log(
    `已导出 ${year} 年度台账到 ${values.out}:总表 ${r.rows} 行,${r.taskSheets} 个任务表,${r.unitSheets} 个单位表;台账末条记录 #${r.lastSeq} ${r.lastHash}(${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} 秒)`,
  );
}

main().catch((error: unknown) => {
  console.error(`导出失败:${(error as Error).message}`);
  process.exit(1);
});
