import pg from 'pg';
import type { LedgerEvent } from '../../model/ledger.js';
import type { State } from '../../model/state.js';
import { StoreError } from '../errors.js';
import { migrationFiles, migrationVersion } from './pg-store.js';
import { readStateRows, snapshot } from './state-rows.js';

/**
 * Read-only access to a PostgreSQL deployment for the command-line tools (export, ledger
 * verification): the committed state document and the ledger in order, without migrating the
 * schema, listening or leading — safe while the servers run.
 */
export function readPg(url: string): {
  pool: pg.Pool;
  state(): Promise<State>;
  ledger: { read(fromSeq?: number): AsyncIterable<LedgerEvent> };
  close(): Promise<void>;
} {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    pool,
    async state() {
      await schemaCurrent(pool);
      const stored = await snapshot(pool, (client) => readStateRows(client));
      if (!stored)
        throw new StoreError(
          '数据库中没有督办通的数据(duban_state 为空):请先启动服务器或运行 npm run migrate-to-pg',
          'STATE_MISSING',
        );
      return stored.state;
    },
    ledger: { read: (fromSeq = 1) => pgLedgerEvents(pool, fromSeq) },
    close: () => pool.end(),
  };
}

/**
 * Refuses a database whose schema this program's migrations are ahead of: the tools do not migrate
 * (they run beside the servers), and reading rows an older schema lacks would fail with
 * PostgreSQL's "column does not exist".
 */
async function schemaCurrent(pool: pg.Pool): Promise<void> {
  const applied = await pool
    .query<{ version: number }>('SELECT version FROM duban_migrations')
    .catch((error: unknown) => {
      // undefined_table: nothing was ever migrated here
      if ((error as { code?: string }).code === '42P01') return { rows: [] };
      throw error;
    });
  const done = new Set(applied.rows.map((r) => r.version));
  if (done.size === 0)
    throw new StoreError(
      '数据库中没有督办通的数据(从未迁移):请先启动服务器或运行 npm run migrate-to-pg',
      'STATE_MISSING',
    );
  const missing = (await migrationFiles()).filter((f) => !done.has(migrationVersion(f)));
  if (missing.length > 0)
    throw new StoreError(
      `数据库结构是旧版本(尚未执行迁移 ${missing.join('、')}):请先运行 npm run migrate,或用新版本启动一次服务器`,
      'SCHEMA_BEHIND',
    );
}

/** The database's ledger from `fromSeq` on, in order, 2,000 rows per query. */
export async function* pgLedgerEvents(pool: pg.Pool | pg.ClientBase, fromSeq = 1): AsyncIterable<LedgerEvent> {
  for (let from = fromSeq; ;) {
    const rows = (
      await pool.query<{ seq: string; event: LedgerEvent }>(
        'SELECT seq, event FROM duban_ledger WHERE seq >= $1 ORDER BY seq LIMIT 2000',
        [from],
      )
    ).rows;
    if (rows.length === 0) return;
    for (const r of rows) yield r.event;
    from = Number(rows.at(-1)!.seq) + 1;
  }
}
