/**
 * npm run ledger:verify [-- --data ./data] [--json]
 *
 * With DUBAN_DATABASE_URL (and no --data) it verifies the PostgreSQL deployment's ledger instead:
 * every event's hash recomputed and every link checked, read-only.
 *
 * Checks the whole ledger of a data directory from its first event: every line's format and hash,
 * every link of the chain, the segment files, and the state document's marker (a cut or truncated
 * ledger), the state file's digest, and then that the state is what the ledger implies (each
 * item's, request's and 考评's state backed by its record). Reads without locking, so it works
 * while the server runs. Exit code 0 when all holds, 1 on any problem (naming the first bad
 * sequence number, or the items whose state the ledger does not back), 2 on bad arguments.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import './pipe-safe.js';
import { loadConfig } from '../config.js';
import { readLedgerDir, verifyDataDir } from '../store/ledger/verify.js';
import { readStateReadOnly } from '../store/read-state.js';
import { checkStateAgainstLedger, describeProblems, type StateProblem } from '../domain/integrity/state-check.js';
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
  // the chain holds: is the state what it implies?
  const problems = r.ok
    ? await checkStateAgainstLedger(await readStateReadOnly(dir), readLedgerDir(join(dir, 'ledger')))
    : [];
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  report(r.ok, problems, values.json ?? false, { ...r, seconds }, () =>
    r.ok
      ? `台账校验通过:${r.events.toLocaleString('en')} 条记录,哈希链完整,最后一条序号 ${r.head.seq},哈希 ${r.head.hash}(${seconds.toFixed(1)} 秒)`
      : `台账校验失败:序号 ${r.problem!.seq}(${r.problem!.file}${r.problem!.line ? ` 第 ${r.problem!.line} 行` : ''}):${r.problem!.message}。此前 ${r.events.toLocaleString('en')} 条记录完好。`,
  );
  process.exit(r.ok && problems.length === 0 ? 0 : 1);
}

/** Prints the chain's verdict and the state's, as text or one JSON line. */
function report(
  chainOk: boolean,
  problems: readonly StateProblem[],
  json: boolean,
  figures: Record<string, unknown>,
  chainLine: () => string,
): void {
  if (json) {
    console.log(JSON.stringify({ ...figures, state: { ok: problems.length === 0, problems } }));
    return;
  }
  if (chainOk) console.log(chainLine());
  else console.error(chainLine());
  if (!chainOk) return;
  if (problems.length === 0) console.log('状态与台账一致:各事项、申请和考评的状态都有台账记录为据');
  else console.error(`状态与台账不一致(状态可能在督办通之外被改动):${describeProblems(problems)}`);
}

async function verifyDatabase(url: string, json: boolean): Promise<void> {
  const db = readPg(url);
  const t0 = process.hrtime.bigint();
  try {
    const r = await verifyPgLedger(db.pool);
    const problems = r.ok ? await checkStateAgainstLedger(await db.state(), db.ledger) : [];
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    report(r.ok, problems, json, { ...r, seconds }, () =>
      r.ok
        ? `数据库台账校验通过:${r.events.toLocaleString('en')} 条记录,哈希链完整,最后一条序号 ${r.head.seq},哈希 ${r.head.hash}(${seconds.toFixed(1)} 秒)`
        : `数据库台账校验失败:${r.problem}。此前 ${r.events.toLocaleString('en')} 条记录完好。`,
    );
    process.exitCode = r.ok && problems.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
  process.exit(process.exitCode);
}

main().catch((error: unknown) => {
  console.error(`台账校验出错:${(error as Error).message}`);
  process.exit(1);
});
