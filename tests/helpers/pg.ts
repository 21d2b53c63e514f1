import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

/** The PostgreSQL the machines run (CI makes sure it is up): trust auth, database test. */
export const PG_URL = process.env.DUBAN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

/** A fresh, empty schema of the test database for one store (dropped afterwards). */
export async function freshSchema(): Promise<string> {
  const schema = `duban_t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  schemas.push(schema);
  return `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});
