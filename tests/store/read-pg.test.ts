import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migratePg, migrationFiles, migrationVersion } from '../../server/src/store/pg/pg-store.js';
import { readPg } from '../../server/src/store/pg/read-pg.js';
import { freshSchema } from '../helpers/pg.js';

const open: Array<{ end(): Promise<void> }> = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.end();
});

describe('the command-line export reading PostgreSQL', () => {
  it('refuse a database an older version migrated, naming what to run, instead of "column does not exist"', async () => {
    const url = await freshSchema();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    open.push(pool);
    await migratePg(pool);
    const files = await migrationFiles();
    const last = files.at(-1)!;
    // as a server of the previous version left it: its last migration not applied
    await pool.query('DELETE FROM duban_migrations WHERE version = $1', [migrationVersion(last)]);
    const db = readPg(url);
    open.push({ end: () => db.close() });
    await expect(db.state()).rejects.toMatchObject({
      code: 'SCHEMA_BEHIND',
      message: expect.stringContaining(`尚未执行迁移 ${last}`) as unknown,
    });
    await expect(db.state()).rejects.toThrow('请先运行 npm run migrate');
    // migrated (the row back): the schema is current, and what is missing is the data
    await pool.query('INSERT INTO duban_migrations (version, name) VALUES ($1, $2)', [migrationVersion(last), last]);
    await expect(db.state()).rejects.toThrow('数据库中没有督办通的数据');
  });

  it('say there is no data in a database nothing was ever migrated into', async () => {
    const db = readPg(await freshSchema());
    open.push({ end: () => db.close() });
    await expect(db.state()).rejects.toMatchObject({
      code: 'STATE_MISSING',
      message: expect.stringContaining('数据库中没有督办通的数据(从未迁移)') as unknown,
    });
  });
});
