import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Committer } from '../committer.js';
import { StoreError } from '../errors.js';
import type { Store } from '../ports.js';
import { Follower } from './pg-follower.js';
import { Leadership } from './pg-leadership.js';
import { pgRequestLog } from './pg-request-log.js';
import { pgEvidence } from './pg-evidence.js';
import { PgWriter } from './pg-writer.js';
import { claimOutboxRows } from './state-rows.js';

export interface PgStoreOptions {
  clock: () => Date;
  log?: { info(m: string): void; warn(m: string): void };
  /** Connections in the pool (the store writes on one at a time; reads of the ledger use the others). */
  poolSize?: number;
  /** How often to look for other instances' writes when no notification came (ms). */
  pollMs?: number;
  /**
   * The SQL migrations this program carries (default: the ones beside this file). A test gives an
   * older or newer set to play two versions of the program against one database.
   */
  migrationsDir?: string;
}

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** A migration file's version: its number (`004_write_version.sql` → 4). */
export const migrationVersion = (file: string): number => Number(file.slice(0, 3));

/** The numbered SQL migration files, in order. */
export async function migrationFiles(dir = MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
}

/** Runs the numbered SQL files not applied yet, each in its own transaction, recording them in duban_migrations. */
export async function migratePg(
  pool: pg.Pool,
  log?: { info(m: string): void },
  dir = MIGRATIONS_DIR,
): Promise<number[]> {
  const files = await migrationFiles(dir);
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // one migrator at a time, whichever instance starts first
    await client.query('SELECT pg_advisory_lock(727001)');
    await client.query(
      'CREATE TABLE IF NOT EXISTS duban_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM duban_migrations')).rows.map((r) => r.version),
    );
    for (const file of files) {
      const version = migrationVersion(file);
      if (done.has(version)) continue;
      const sql = await readFile(join(dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO duban_migrations (version, name) VALUES ($1, $2)', [version, file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new StoreError(`数据库迁移 ${file} 失败:${(error as Error).message}`, 'STATE_CORRUPT', { cause: error });
      }
      applied.push(version);
      log?.info(`数据库迁移 ${file} 已执行`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
    client.release();
  }
  return applied;
}

/**
 * The store on PostgreSQL, behind the same port as the embedded one. The domain reads and changes
 * one immutable State through immer; it is stored as JSONB rows — one per top-level member, the
 * obligations one per year and plan, the outbox one per message (state-rows.ts) — so it keeps its
 * semantics exactly, a write stores only what changed, and it can still be queried with JSONB
 * operators; tables per collection would need a mapping layer for no gain yet. The ledger is a
 * table keyed by seq. A transaction's events and its state commit in ONE database transaction
 * (`PgWriter`), conditional on the state's version being the one this instance last saw: another
 * instance's write in between refuses the transaction (503) instead of forking the hash chain or
 * losing an update. Reads follow the other instances (`Follower`); one instance leads the
 * scheduler (`Leadership`).
 */
export async function openPgStore(url: string, options: PgStoreOptions): Promise<Store> {
  // every connection of this instance carries its id: while any of them is open, the instance runs
  // (its outbox claims stand until their lease lapses); when all are gone, it ended
  const instanceId = `duban:${hostname().slice(0, 30)}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 63);
  const connection = { connectionString: url, application_name: instanceId };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 4 });
  pool.on('error', (error) => options.log?.warn(`数据库连接出错:${error.message}`));
  try {
    await migratePg(pool, options.log, options.migrationsDir);
    // the newest migration this program knows: a database migrated further was upgraded by a newer
    // version of the program, running beside this one during a rolling upgrade
    const knows = Math.max(0, ...(await migrationFiles(options.migrationsDir)).map(migrationVersion));
    const writer = new PgWriter(pool, instanceId);
    const { state, created } = await writer.open();
    const sink = writer.sink();
    const committer = new Committer(state, sink, writer.write, options.clock, writer.reload);
    const follower = new Follower(connection, instanceId, () => committer.refresh(), options);
    await follower.start();
    const leadership = new Leadership(connection, pool, knows, options.log);
    return {
      state: { get: () => committer.get() },
      ledger: sink,
      transact: (fn) => committer.transact(fn),
      health: () =>
        leadership.outdated
          ? { status: 'degraded', code: 'OUTDATED', reason: leadership.outdated }
          : committer.health(),
      observeWrites: (fn) => committer.observeWrites(fn),
      created,
      lead: leadership.lead,
      leads: () => leadership.leads(),
      instance: { id: instanceId, alive: (ids) => aliveInstances(pool, ids) },
      claimOutbox: async ({ now, batch, claim }) => {
        const rows = await claimOutboxRows(pool, { now, batch, claim, notify: instanceId });
        // this instance's readers (and the dispatcher recording the results) see the claims: adopted
        // once nothing of its own is on the way (a write computed before them is refused and computed again)
        const shown = (): boolean => {
          const byKey = new Map(committer.get().outbox.map((r) => [r.key, r]));
          return rows.every((r) => byKey.get(r.key)?.status === r.status && byKey.get(r.key)?.lockedAt === r.lockedAt);
        };
        for (let tries = 0; rows.length > 0 && !shown() && tries < 10; tries += 1) {
          await committer.idle();
          await follower.refresh();
        }
        return rows;
      },
      requests: pgRequestLog(pool),
      evidence: pgEvidence(pool),
      claimOnce: onceClaims(pool),
      close: once(async () => {
        leadership.stop();
        await follower.close();
        await committer.idle();
        await leadership.release();
        await pool.end();
      }),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/** Which of these instance ids still hold a connection (an instance whose connections are all gone ended). */
async function aliveInstances(pool: pg.Pool, ids: readonly string[]): Promise<Set<string>> {
  const rows = (
    await pool.query<{ name: string }>(
      'SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name = ANY($1)',
      [ids],
    )
  ).rows;
  return new Set(rows.map((r) => r.name));
}

/** Claims a key once across all instances; claims older than a day (they cannot be redelivered) are pruned now and then. */
function onceClaims(pool: pg.Pool): (key: string) => Promise<boolean> {
  let claims = 0;
  return async (key) => {
    const r = await pool.query('INSERT INTO duban_once (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [key]);
    if ((claims += 1) % 200 === 0)
      await pool.query("DELETE FROM duban_once WHERE at < now() - interval '1 day'").catch(() => undefined);
    return r.rowCount === 1;
  };
}

/** The first call runs `fn`; later calls resolve at once. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    await fn();
  };
}
