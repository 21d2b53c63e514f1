/**
 * npm run ledger:verify [-- --data ./data] [--json]
 *
 * With DUBAN_DATABASE_URL (and no --data) it verifies the PostgreSQL deployment's ledger instead:
 * every event's hash recomputed and every link checked, read-only.
 *
 * Checks the whole ledger of a data directory from its first event: every line's format and hash,
 * every link of the chain, the segment files, and the state document's marker (a cut or truncated
 * ledger). Reads without locking, so it works while the server runs. Exit code 0 when the ledger
 * verifies, 1 on any problem (naming the first bad sequence number), 2 on bad arguments.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import './pipe-safe.js';
import { loadConfig } from '../config.js';
import { verifyDataDir } from '../store/ledger/verify.js';
import { verifyPgLedger } from '../store/pg/copy-to-pg.js';
import { readPg } from '../store/pg/read-pg.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  if (!values.data && config.databaseUrl) return verifyDatabase(config.databaseUrl, values.json ?? false);
  const dir = values.data ? resolve(values.data) : config.dataDir;
  if (!existsSync(join(dir, 'ledger'))) {
    console.error(`数据目录 ${dir} 中没有台账(ledger/):请用 --data 指定数据目录`);
    process.exit(2);
  }
  const t0 = process.hrtime.bigint();
  const r = await verifyDataDir(dir);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (values.json) console.log(JSON.stringify({ ...r, seconds }));
  else if (r.ok)
    console.log(
      `台账校验通过:${r.events.toLocaleString('en')} 条记录,哈希链完整,最后一条序号 ${r.head.seq},哈希 ${r.head.hash}(${seconds.toFixed(1)} 秒)`,
    );
  else
    console.error(
      `台账校验失败:序号 ${r.problem!.seq}(${r.problem!.file}${r.problem!.line ? ` 第 ${r.problem!.line} 行` : ''}):${r.problem!.message}。此前 ${r.events.toLocaleString('en')} 条记录完好。`,
    );
  process.exit(r.ok ? 0 : 1);
}

async function verifyDatabase(url: string, json: boolean): Promise<void> {
  const db = readPg(url);
  const t0 = process.hrtime.bigint();
  try {
    const r = await verifyPgLedger(db.pool);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (json) console.log(JSON.stringify({ ...r, seconds }));
    else if (r.ok)
      console.log(
        `数据库台账校验通过:${r.events.toLocaleString('en')} 条记录,哈希链完整,最后一条序号 ${r.head.seq},哈希 ${r.head.hash}(${seconds.toFixed(1)} 秒)`,
      );
    else console.error(`数据库台账校验失败:${r.problem}。此前 ${r.events.toLocaleString('en')} 条记录完好。`);
    process.exitCode = r.ok ? 0 : 1;
  } finally {
    await db.close();
  }
  process.exit(process.exitCode);
}

main().catch((error: unknown) => {
  console.error(`台账校验出错:${(error as Error).message}`);
  process.exit(1);
});
