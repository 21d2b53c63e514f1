/**
 * npm run backup -- --out 督办通-备份.tar.gz     (beside the running server: a consistent snapshot)
 * npm run restore -- 督办通-备份.tar.gz [--data-dir DIR]   (into an empty or new directory only)
 *
 * The embedded store's data directory (DUBAN_DATA_DIR); with PostgreSQL (DUBAN_DATABASE_URL) the
 * deployment's schema, evidence files included, by pg_dump on one verified snapshot, restored into
 * an empty schema of the same name (docs/运维手册.md §4).
 */
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import { loadConfig } from '../config.js';
import { backupDeployment, restoreBackup } from '../store/backup.js';
import { StoreError } from '../store/errors.js';
import { isPgBackup, restorePg } from '../store/pg/pg-backup.js';

async function main(): Promise<void> {
  const restore = process.argv[2] === 'restore';
  const { values, positionals } = parseArgs({
    args: process.argv.slice(3),
    allowPositionals: true,
    options: { out: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  if (restore) {
    const file = positionals[0];
    if (!file || values.help) {
      console.log('用法:npm run restore -- <备份文件.tar.gz> [--data-dir 空目录]');
      process.exit(file ? 0 : 2);
    }
    if (await isPgBackup(file)) {
      if (!config.databaseUrl) {
        console.error('这是 PostgreSQL 部署的备份:请设置 DUBAN_DATABASE_URL 指向一个空的数据库(或空的同名模式)');
        process.exit(2);
      }
      const r = await restorePg(file, config.databaseUrl);
      console.log(`已恢复到数据库:台账到第 ${r.ledger.seq} 条,校验通过。可以启动督办通。`);
      return;
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
  const s = await backupDeployment(config, values.out);
  console.log(
    `已备份到 ${values.out}:台账到第 ${s.ledger.seq} 条,佐证材料 ${s.evidenceFiles} 个,${(s.bytes / 1024 / 1024).toFixed(1)} MB,用时 ${s.seconds.toFixed(1)} 秒,校验通过。`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof StoreError ? error.message : `备份/恢复失败:${(error as Error).message}`);
  process.exit(1);
});
