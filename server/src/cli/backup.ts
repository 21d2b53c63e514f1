/**
 * npm run backup -- --out 督办通-备份.tar.gz     (beside the running server: a consistent snapshot)
 * npm run restore -- 督办通-备份.tar.gz [--data-dir DIR]   (into an empty or new directory only)
 *
 * The embedded store's data directory (DUBAN_DATA_DIR). With PostgreSQL (DUBAN_DATABASE_URL) the
 * database is backed up with pg_dump and the evidence files with the data directory's evidence/
 * (see docs/运维手册.md).
 */
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import { loadConfig } from '../config.js';
import { backupDataDir, restoreBackup } from '../store/backup.js';
import { StoreError } from '../store/errors.js';

async function main(): Promise<void> {
  const restore = process.argv[2] === 'restore';
  const { values, positionals } = parseArgs({
    args: process.argv.slice(3),
    allowPositionals: true,
    options: { out: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  if (config.databaseUrl && !restore) {
    console.log(
      '使用 PostgreSQL 时:数据库用 pg_dump 备份,佐证材料随数据目录的 evidence/ 一并备份(见 docs/运维手册.md)。',
    );
    process.exit(2);
  }
  if (restore) {
    const file = positionals[0];
    if (!file || values.help) {
      console.log('用法:npm run restore -- <备份文件.tar.gz> [--data-dir 空目录]');
      process.exit(file ? 0 : 2);
    }
    const dir = values['data-dir'] ?? config.dataDir;
    const r = await restoreBackup(file, dir);
    console.log(`已恢复到 ${dir}:台账到第 ${r.ledger.seq} 条,校验通过。可以启动督办通(DUBAN_DATA_DIR=${dir})。`);
    return;
  }
  if (!values.out || values.help) {
    console.log('用法:npm run backup -- --out <备份文件.tar.gz>(服务运行中也可备份)');
    process.exit(values.out ? 0 : 2);
  }
  const s = await backupDataDir(config.dataDir, values.out);
  console.log(
    `已备份到 ${s.file}:台账到第 ${s.ledger.seq} 条,佐证材料 ${s.evidenceFiles} 个,${(s.bytes / 1024 / 1024).toFixed(1)} MB,用时 ${s.seconds.toFixed(1)} 秒,校验通过。`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof StoreError ? error.message : `备份/恢复失败:${(error as Error).message}`);
  process.exit(1);
});
