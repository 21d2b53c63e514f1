/**
 * npm run migrate-to-pg -- --from ./data [--to postgres://…]
 *
 * Copies an embedded data directory (state.json and the JSONL ledger) into PostgreSQL (the URL from
 * --to or DUBAN_DATABASE_URL): the directory's chain is verified first, the events and the state go
 * in one transaction, and the database's chain is verified from its first event afterwards. Run it
 * again after the directory grew and it adds the rest; run it twice and the second run writes
 * nothing. Stop the server first. Evidence files (<data>/evidence) go into the database too, each
 * checked against its hash: every instance serves them, whatever its own data directory holds.
 * Exit 0 on success, 1 on a refusal, 2 on bad arguments.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import './pipe-safe.js';
import { copyToPg } from '../store/pg/copy-to-pg.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  const url = values.to ?? process.env.DUBAN_DATABASE_URL;
  if (!values.from || !url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error(
      '用法:npm run migrate-to-pg -- --from ./data [--to postgres://用户@主机:端口/数据库](或设置 DUBAN_DATABASE_URL)',
    );
    process.exit(2);
  }
  const dir = resolve(values.from);
  if (!existsSync(join(dir, 'state.json'))) {
    console.error(`${dir} 不是督办通的数据目录(没有 state.json)`);
    process.exit(2);
  }
  const r = await copyToPg(dir, url, (m) => console.log(m));
  console.log(
    r.alreadyCopied
      ? `数据库已是最新:${r.events.toLocaleString('en')} 条台账记录,无需迁移`
      : `已迁移 ${r.copied.toLocaleString('en')} 条台账记录和状态到 PostgreSQL`,
  );
  if (r.files > 0) console.log(`已把 ${r.files} 个佐证材料文件存入数据库`);
  console.log(`数据库台账校验通过:${r.events.toLocaleString('en')} 条,最后一条序号 ${r.head.seq},哈希 ${r.head.hash}`);
}

main().catch((error: unknown) => {
  console.error(`迁移失败:${(error as Error).message}`);
  process.exit(1);
});
