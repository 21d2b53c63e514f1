/**
 * npm run migrate [-- --url postgres://…]
 *
 * Brings a PostgreSQL database's schema up to date (the numbered files in store/pg/migrations not
 * applied yet, each in its own transaction, recorded in duban_migrations) without starting the
 * server: what every instance also does at start, run once before a rollout. The URL from --url or
 * DUBAN_DATABASE_URL. Exit 0 on success, 1 when a migration fails, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import './pipe-safe.js';
import { migratePg } from '../store/pg/pg-store.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const url = values.url ?? process.env.DUBAN_DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error('用法:npm run migrate -- --url postgres://用户@主机:端口/数据库(或设置 DUBAN_DATABASE_URL)');
    process.exit(2);
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const applied = await migratePg(pool, { info: (m) => console.log(m) });
    const version = (await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM duban_migrations')).rows[0]
      ?.v;
    console.log(
      applied.length === 0
        ? `数据库结构已是最新(版本 ${version ?? 0}),无需迁移`
        : `已执行 ${applied.length} 个迁移,数据库结构现为版本 ${version ?? 0}`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(`迁移失败:${(error as Error).message}`);
  process.exit(1);
});
