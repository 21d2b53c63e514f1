import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { LedgerEvent } from '../../model/ledger.js';
import { Committer, type LedgerSink } from '../committer.js';
import { StoreError } from '../errors.js';
import { GENESIS_HASH } from '../ledger/event-hash.js';
import type { Store } from '../ports.js';
import { emptyState, State } from '../../model/state.js';
import { pgRequestLog } from './pg-request-log.js';
import { pgEvidence } from './pg-evidence.js';
import { claimOutboxRows, readStateRows, snapshot, writeStateRows, type KnownRows } from './state-rows.js';

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

type Row = { seq: string; event: LedgerEvent };

/**
 * The store on PostgreSQL, behind the same port as the embedded one. The domain reads and changes
 * one immutable State through immer; it is stored as JSONB rows — one per top-level member, the
 * obligations one per year and plan, the outbox one per message (state-rows.ts) — so it keeps its semantics exactly, a write
 * stores only what changed, and it can still be queried with JSONB operators; tables per
 * collection would need a mapping layer for no gain yet. The ledger is a table keyed by seq. A
 * transaction's events and its state commit in ONE database transaction (the events the committer
 * carries in `ledger.unflushed` are inserted, the changed rows and `duban_state` are updated), and
 * the update is conditional on the state's seq being the one this instance last saw: another
 * instance's write in between refuses the transaction (503) instead of forking the hash chain or
 * losing an update.
 */
// eslint-disable-next-line max-lines-per-function -- one closure holds the pool, the committer, the listener and the lease of an instance; splitting it into a class is left for the hardening of several instances
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
    // the state, the chain head and the last event are read in ONE snapshot: another instance
    // committing between two separate reads would make a consistent database look inconsistent
    const { stored, headRow } = await snapshot(pool, async (client) => {
      const stored = await readStateRows(client);
      const headRow = (await client.query<Row>('SELECT seq, event FROM duban_ledger ORDER BY seq DESC LIMIT 1'))
        .rows[0];
      return { stored, headRow };
    });
    const created = stored === undefined;
    let state = stored?.state ?? State.parse(emptyState());
    // the state's version as this instance last wrote (or read) it: every write is conditional on it
    let written = stored?.version ?? 0;
    /** The state's rows as this instance last wrote or read them (what a write need not write again). */
    let known: KnownRows = stored?.known ?? new Map();
    const headSeq = headRow ? Number(headRow.seq) : 0;
    if (headSeq !== state.ledger.seq)
      throw new StoreError(
        `数据库中台账(第 ${headSeq} 条)与状态(第 ${state.ledger.seq} 条)不一致:服务未启动`,
        'STATE_BEHIND_LEDGER',
      );
    if (created) {
      // the state row first: an instance starting at the same moment waits on it, then finds it taken
      // (and its first write reloads what this one created) instead of writing rows over these
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const claimed = await client.query(
          "INSERT INTO duban_state (id, doc, seq) VALUES (1, '{}', 0) ON CONFLICT (id) DO NOTHING",
        );
        if (claimed.rowCount === 1) {
          const rows = await writeStateRows(client, state, known);
          const { version } = (
            await client.query<{ version: string }>(
              `UPDATE duban_state SET doc = $1, version = nextval('duban_state_versions') WHERE id = 1 RETURNING version`,
              [rows.doc],
            )
          ).rows[0]!;
          await client.query('COMMIT');
          known = rows.known;
          written = Number(version);
        } else await client.query('ROLLBACK');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    state = { ...state, ledger: { ...state.ledger, unflushed: [] } };

    let last: LedgerEvent | undefined = headRow?.event;
    const listeners = new Set<(events: readonly LedgerEvent[]) => void>();
    const sink: LedgerSink = {
      head: () => ({ seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH }),
      last: () => last,
      read: (fromSeq = 1) => ({
        async *[Symbol.asyncIterator]() {
          let from = fromSeq;
          const upTo = last?.seq ?? 0;
          while (from <= upTo) {
            const rows = (
              await pool.query<Row>(
                'SELECT seq, event FROM duban_ledger WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT 2000',
                [from, upTo],
              )
            ).rows;
            if (rows.length === 0) return;
            for (const r of rows) yield r.event;
            from = Number(rows.at(-1)!.seq) + 1;
          }
        },
      }),
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      // the events were inserted with the state, in the same database transaction: here they only become visible
      appendPrepared: async (events) => {
        if (events.length === 0) return;
        last = events.at(-1);
        for (const l of listeners) l(events);
      },
      recover: async () => undefined,
      // only what is adopted moves `written`: a reload that was not adopted (a write of ours got in
      // between) must not make a stale write look current
      adopt: (events, adopted) => {
        const read = reloaded.get(adopted);
        if (read) ({ known, version: written } = read);
        if (events.length === 0) return;
        last = events.at(-1);
        for (const l of listeners) l(events);
      },
    };
    /** The rows each reloaded state came with: they become known when the committer adopts that state. */
    const reloaded = new WeakMap<State, { known: KnownRows; version: number }>();
    /**
     * What other instances committed since this one last read or wrote: the state (only the rows
     * that changed), the events after this one's head, and whether anything moved (a claim moves
     * only messages).
     */
    const reload = async (): Promise<{ state: State; events: LedgerEvent[]; changed: boolean }> =>
      snapshot(pool, async (client) => {
        const fresh = (await readStateRows(client, known))!;
        const events = (
          await client.query<Row>('SELECT seq, event FROM duban_ledger WHERE seq >= $1 AND seq <= $2 ORDER BY seq', [
            (last?.seq ?? 0) + 1,
            fresh.seq,
          ])
        ).rows.map((r) => r.event);
        const state = { ...fresh.state, ledger: { ...fresh.state.ledger, unflushed: [] } };
        reloaded.set(state, { known: fresh.known, version: fresh.version });
        return { state, events, changed: fresh.version !== written || fresh.outboxMoved };
      });
    const write = async (next: State): Promise<void> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // writers queue here, one at a time: a writer that finds another's write first stops at once
        const at = (await client.query<{ version: string }>('SELECT version FROM duban_state WHERE id = 1 FOR UPDATE'))
          .rows[0];
        if (Number(at?.version) !== written)
          throw new StoreError('另一个实例刚写入了数据:本次办理未生效,请重试', 'STATE_STALE');
        const fresh = next.ledger.unflushed;
        if (fresh.length > 0)
          await client.query(
            // one statement for the group commit's events; any conflict (seq, or hash: two instances
            // can make byte-identical events) means another instance wrote first; the conditional
            // update below then refuses, and the batch is rebased
            `INSERT INTO duban_ledger (seq, hash, prev_hash, at, type, event)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[])
             ON CONFLICT DO NOTHING`,
            [
              fresh.map((e) => e.seq),
              fresh.map((e) => e.hash),
              fresh.map((e) => e.prevHash),
              fresh.map((e) => e.at),
              fresh.map((e) => e.type),
              fresh.map((e) => JSON.stringify(e)),
            ],
          );
        const rows = await writeStateRows(client, { ...next, ledger: { ...next.ledger, unflushed: [] } }, known);
        const updated = await client.query<{ version: string }>(
          `UPDATE duban_state SET doc = $1, seq = $2, version = nextval('duban_state_versions'), updated_at = now() WHERE id = 1 AND version = $3 RETURNING version`,
          [rows.doc, next.ledger.seq, written],
        );
        if (updated.rowCount !== 1) throw new StoreError('另一个实例刚写入了数据:本次办理未生效,请重试', 'STATE_STALE');
        // the other instances wake up and read what this one wrote (delivered at commit)
        await client.query("SELECT pg_notify('duban_changed', $1)", [instanceId]);
        await client.query('COMMIT');
        written = Number(updated.rows[0]!.version);
        known = rows.known;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // a unique violation all the same (a key added later): another instance's write, not a failure
        if ((error as { code?: unknown }).code === '23505')
          throw new StoreError('另一个实例刚写入了数据:本次办理未生效,请重试', 'STATE_STALE', { cause: error });
        throw error;
      } finally {
        client.release();
      }
    };
    const committer = new Committer(state, sink, write, options.clock, reload);
    let closed = false;
    // reads follow the other instances: a notification after each of their commits, a poll as the fallback
    const listener = new pg.Client(connection);
    // refreshes run one after another (two reloads adopted out of order would go back in time); a
    // wake-up during a refresh is not lost: one more runs after it, and wake-ups meanwhile share it
    let refreshing: Promise<void> = Promise.resolve();
    let next: Promise<void> | undefined;
    const refresh = (): Promise<void> => {
      if (closed) return refreshing;
      if (next) return next;
      const run = refreshing.then(async () => {
        next = undefined;
        await committer
          .refresh()
          .catch((error: unknown) => options.log?.warn(`读取其他实例的写入失败:${(error as Error).message}`));
      });
      next = run;
      refreshing = run;
      return run;
    };
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.payload !== instanceId) void refresh();
    });
    listener.on('error', (error) =>
      options.log?.warn(
        `数据库通知连接出错:${error.message}(改为每 ${Math.round((options.pollMs ?? 5000) / 1000)} 秒查询)`,
      ),
    );
    await listener.query('LISTEN duban_changed');
    // (a refresh that finds nothing moved reads the state's layout and the claims' count only)
    const poll = setInterval(() => void refresh(), options.pollMs ?? 5000);
    poll.unref();
    // leadership: a session-level advisory lock (one per schema: deployments sharing a database do not
    // compete) on a connection of its own, held while it lives
    let leader: pg.Client | undefined;
    let claims = 0;
    /** Set once the database was migrated past what this program knows: the operator's warning. */
    let outdated: string | undefined;
    /** False when a newer version of the program migrated the database (rolling upgrade): it leads from then on. */
    const current = async (): Promise<boolean> => {
      const newest = Number(
        (await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM duban_migrations')).rows[0]?.v ?? 0,
      );
      if (newest <= knows) return true;
      if (!outdated) {
        outdated = `数据库已由新版本的督办通升级(迁移到第 ${newest} 号,本实例只认识到第 ${knows} 号):本实例不再负责提醒调度和发送,请尽快升级本实例`;
        options.log?.warn(outdated);
      }
      return false;
    };
    const lead = async (): Promise<boolean> => {
      if (closed) return false;
      // an older program steps aside for the newer one, between two ticks: what it sent is recorded,
      // what is left pending the newer one sends (the day is planned once: lastPlannedDate is shared)
      if (!(await current().catch(() => true))) {
        const held = leader;
        leader = undefined;
        await held?.end().catch(() => undefined);
        return false;
      }
      if (leader) return true;
      const client = new pg.Client(connection);
      try {
        await client.connect();
        const got =
          (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(727002, hashtext(current_schema())) AS ok'))
            .rows[0]?.ok === true;
        if (!got) {
          await client.end();
          return false;
        }
        client.on('error', (error) => {
          options.log?.warn(`调度主实例的数据库连接断开:${error.message}(其他实例将接替)`);
          if (leader === client) leader = undefined;
        });
        leader = client;
        options.log?.info('本实例负责提醒调度和发送(其他实例待命)');
        return true;
      } catch (error) {
        await client.end().catch(() => undefined);
        options.log?.warn(`争取调度主实例失败:${(error as Error).message}`);
        return false;
      }
    };
    return {
      state: { get: () => committer.get() },
      ledger: sink,
      transact: (fn) => committer.transact(fn),
      health: () => (outdated ? { status: 'degraded', code: 'OUTDATED', reason: outdated } : committer.health()),
      observeWrites: (fn) => committer.observeWrites(fn),
      created,
      lead,
      leads: () => leader !== undefined,
      instance: {
        id: instanceId,
        alive: async (ids) => {
          const rows = (
            await pool.query<{ name: string }>(
              'SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name = ANY($1)',
              [ids],
            )
          ).rows;
          return new Set(rows.map((r) => r.name));
        },
      },
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
          await refresh();
        }
        return rows;
      },
      requests: pgRequestLog(pool),
      evidence: pgEvidence(pool),
      claimOnce: async (key) => {
        const r = await pool.query('INSERT INTO duban_once (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [key]);
        // keep the table small: claims older than a day cannot be redelivered any more
        if ((claims += 1) % 200 === 0)
          await pool.query("DELETE FROM duban_once WHERE at < now() - interval '1 day'").catch(() => undefined);
        return r.rowCount === 1;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        clearInterval(poll);
        await listener.end().catch(() => undefined);
        await refreshing;
        await committer.idle();
        await leader?.end().catch(() => undefined);
        leader = undefined;
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
