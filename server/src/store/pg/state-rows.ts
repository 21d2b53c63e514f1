import type pg from 'pg';
import { z } from 'zod';
import { ObligationRecord } from '../../model/obligation.js';
import { migrate } from '../migrations.js';
import { State, STATE_VERSION } from '../../model/state.js';
import { OutboxRow } from '../../model/outbox-row.js';
import { StoreError } from '../errors.js';

/**
 * How the state is laid out in PostgreSQL: each top-level member of the state is a row of
 * `duban_state_parts`, except the stored obligations, whose lists — one per year and plan, as the
 * state keeps them — are rows of `duban_obligations`, and the outbox, a row per message in
 * `duban_outbox`. A province's state does not fit in one document (1.6M obligation records: V8
 * cannot even make the string), and a write changes little of it (a fulfilment: one list, the
 * ledger position, perhaps a few messages): only rows whose value is not the very one last written
 * or read (immer keeps what did not change) are written, in the transaction that writes
 * `duban_state`. Its document names every row's version (a new one from a sequence at each write
 * of it) and the order of the plans within a year, so a reader fetches only the rows that changed
 * since it last read.
 */

/**
 * A row as last written or read by this instance: its value (the very object the state holds) and
 * version; for the outbox, also each of its rows (with its place).
 */
export type KnownRows = ReadonlyMap<string, Known>;
type Known = {
  value: unknown;
  version: number;
  rows?: ReadonlyMap<string, OutboxKnown>;
  /** The outbox: how many claims had been made when its rows were read (`duban_outbox_claims`); -1 unknown. */
  claims?: number;
};
type OutboxKnown = { value: OutboxRow; version: number; ord: number };

type Versions = Record<string, number>;
/** `duban_state`'s document. */
interface Layout {
  layout: 2;
  schemaVersion: number;
  parts: Versions;
  /** year → plan → version */
  obligations: Record<string, Versions>;
  /** the outbox's rows (duban_outbox): a version that moves whenever any of them changes */
  outbox: number;
}

const partKey = (key: string): string => `part\u0000${key}`;
const listKey = (year: string, planId: string): string => `list\u0000${year}\u0000${planId}`;
const isLayout = (doc: Record<string, unknown>): doc is Layout & Record<string, unknown> => doc.layout === 2;
const NEXT_VERSION = "nextval('duban_state_versions')";

/**
 * Writes `next` (its `ledger.unflushed` already emptied by the caller): the rows whose value is not
 * the one `known` holds, and the removal of rows it no longer has. Returns `duban_state`'s document
 * and what is known after the write (valid once the transaction commits).
 */
export async function writeStateRows(
  client: pg.PoolClient | pg.Client,
  next: State,
  known: KnownRows,
): Promise<{ doc: string; known: KnownRows }> {
  const after = new Map<string, Known>();
  const layout: Layout = { layout: 2, schemaVersion: next.schemaVersion, parts: {}, obligations: {}, outbox: 0 };
  // the row's JSON is made only when it is written (a province's lists are 400 MB of it)
  const store = async (key: string, value: unknown, sql: string, params: () => unknown[]): Promise<number> => {
    const was = known.get(key);
    const entry =
      was !== undefined && was.value === value
        ? was
        : { value, version: Number((await client.query<{ version: string }>(sql, params())).rows[0]!.version) };
    after.set(key, entry);
    return entry.version;
  };
  const outbox = await writeOutbox(client, next.outbox, known.get(OUTBOX));
  after.set(OUTBOX, outbox);
  layout.outbox = outbox.version;
  for (const [key, value] of Object.entries(next)) {
    if (key === 'obligations' || key === 'outbox' || value === undefined) continue;
    layout.parts[key] = await store(
      partKey(key),
      value,
      `INSERT INTO duban_state_parts (key, value, version) VALUES ($1, $2, ${NEXT_VERSION}) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version RETURNING version`,
      () => [key, JSON.stringify(value)],
    );
  }
  for (const [year, plans] of Object.entries(next.obligations)) {
    layout.obligations[year] = {};
    for (const [planId, list] of Object.entries(plans))
      layout.obligations[year][planId] = await store(
        listKey(year, planId),
        list,
        `INSERT INTO duban_obligations (year, plan_id, records, version) VALUES ($1, $2, $3, ${NEXT_VERSION}) ON CONFLICT (year, plan_id) DO UPDATE SET records = EXCLUDED.records, version = EXCLUDED.version RETURNING version`,
        () => [year, planId, JSON.stringify(list)],
      );
  }
  const gone = [...known.keys()].filter((k) => !after.has(k) && k !== OUTBOX).map((k) => k.split('\u0000'));
  const parts = gone.filter(([kind]) => kind === 'part').map(([, key]) => key!);
  const lists = gone.filter(([kind]) => kind === 'list');
  if (parts.length > 0) await client.query('DELETE FROM duban_state_parts WHERE key = ANY($1)', [parts]);
  if (lists.length > 0)
    await client.query(
      'DELETE FROM duban_obligations WHERE (year, plan_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [lists.map(([, y]) => y), lists.map(([, , p]) => p)],
    );
  return { doc: JSON.stringify(layout), known: after };
}

/**
 * The state as the database holds it (read in the caller's snapshot), reusing what `known` still
 * holds; undefined when there is none yet. A document of an earlier layout (the state inline) or
 * of an older schema version is read whole and migrated; nothing of it is then known, so the next
 * write stores it all as rows.
 */
export async function readStateRows(
  client: pg.PoolClient | pg.Client | pg.Pool,
  known: KnownRows = new Map(),
): Promise<{ state: State; seq: number; version: number; known: KnownRows; outboxMoved: boolean } | undefined> {
  const row = (
    await client.query<{ doc: Record<string, unknown>; seq: string; version: string }>(
      'SELECT doc, seq, version FROM duban_state WHERE id = 1',
    )
  ).rows[0];
  if (!row) return undefined;
  const seq = Number(row.seq);
  const version = Number(row.version);
  const doc = row.doc;
  if (typeof doc.schemaVersion === 'number' && doc.schemaVersion > STATE_VERSION)
    throw new StoreError(
      `数据库中的数据由新版本的督办通写入(数据版本 ${doc.schemaVersion},本实例支持到 ${STATE_VERSION}):请升级本实例`,
      'SCHEMA_NEWER',
    );
  if (!isLayout(doc) || doc.schemaVersion !== STATE_VERSION) {
    // the state inline (written before it had rows), or to be migrated: whole, then rows
    const whole = isLayout(doc) ? await wholeOf(client, doc) : doc;
    return { state: State.parse(migrate(whole).doc), seq, version, known: new Map(), outboxMoved: true };
  }
  const stale = (key: string, version: number): boolean => known.get(key)?.version !== version;
  const parts = await fetchParts(
    client,
    Object.keys(doc.parts).filter((k) => stale(partKey(k), doc.parts[k]!)),
  );
  const lists = await fetchLists(
    client,
    Object.entries(doc.obligations).flatMap(([year, plans]) =>
      Object.entries(plans)
        .filter(([planId, v]) => stale(listKey(year, planId), v))
        .map(([planId]) => [year, planId] as const),
    ),
  );
  const after = new Map<string, Known>();
  const state: Record<string, unknown> = {};
  const outbox = await readOutbox(client, doc.outbox, known.get(OUTBOX));
  after.set(OUTBOX, outbox);
  state.outbox = outbox.value;
  const outboxMoved = outbox !== known.get(OUTBOX);
  for (const [key, schema] of Object.entries(State.shape) as Array<[string, z.ZodType]>) {
    if (key === 'obligations' || key === 'outbox') continue;
    const version = doc.parts[key];
    const fetched = parts.get(key);
    const value =
      version === undefined
        ? schema.parse(undefined) // absent: fine only where the member is optional
        : fetched !== undefined
          ? schema.parse(fetched)
          : known.get(partKey(key))!.value;
    if (version !== undefined) after.set(partKey(key), { value, version });
    if (value !== undefined) state[key] = value;
  }
  const obligations: State['obligations'] = {};
  for (const [year, plans] of Object.entries(doc.obligations)) {
    obligations[year] = {};
    for (const [planId, version] of Object.entries(plans)) {
      const fetched = lists.get(listKey(year, planId));
      const list = fetched !== undefined ? Records.parse(fetched) : known.get(listKey(year, planId))!.value;
      obligations[year][planId] = list as ObligationRecord[];
      after.set(listKey(year, planId), { value: list, version });
    }
  }
  state.obligations = obligations;
  return { state: state as State, seq, version, known: after, outboxMoved };
}

const Records = z.array(ObligationRecord);

/** Every row a document of this layout names, as stored (to be migrated before it is read). */
async function wholeOf(client: pg.PoolClient | pg.Client | pg.Pool, doc: Layout): Promise<Record<string, unknown>> {
  const parts = await fetchParts(client, Object.keys(doc.parts));
  const outbox = (await client.query<{ value: unknown }>('SELECT value FROM duban_outbox ORDER BY ord')).rows;
  return {
    ...Object.fromEntries(parts),
    outbox: outbox.map((r) => r.value),
    obligations: await listsOf(client, doc.obligations),
  };
}

const OUTBOX = 'outbox';

/**
 * Writes the outbox's rows that are not the very objects last written or read, and removes those
 * it no longer has. Each row keeps its place (`ord`) while the rows before it keep theirs: rows are
 * appended, replaced in place or removed (a row placed anywhere else gets a new place, and so does
 * every row after it).
 *
 * Claims are made without the state's lock (`claimOutboxRows`), so a row this instance changes or
 * removes is written only if it still has the version this instance knows: a row claimed since
 * refuses the write (`STATE_STALE`), and the transaction is computed again on the claim.
 */
async function writeOutbox(
  client: pg.PoolClient | pg.Client,
  list: readonly OutboxRow[],
  was: Known | undefined,
): Promise<Known> {
  if (was !== undefined && was.value === list) return was;
  // nothing known of the table (a document inline or migrated, or a new database): it is written
  // afresh, since a reader takes every row it holds
  if (was === undefined) await client.query('DELETE FROM duban_outbox');
  const before = was?.rows ?? new Map<string, OutboxKnown>();
  let top = 0;
  for (const r of before.values()) top = Math.max(top, r.ord);
  const rows = new Map<string, OutboxKnown>();
  const changed: Array<{ row: OutboxRow; ord: number; was?: number }> = [];
  let last = 0;
  for (const row of list) {
    // keys are unique by construction (every enqueue looks for its key first)
    if (rows.has(row.key)) throw new Error(`发送队列中有重复的键 ${row.key}`);
    const old = before.get(row.key);
    if (old !== undefined && old.ord > last) {
      last = old.ord;
      if (old.value === row) {
        rows.set(row.key, old);
        continue;
      }
      changed.push({ row, ord: old.ord, was: old.version });
    } else changed.push({ row, ord: (last = top += 1), ...(old ? { was: old.version } : {}) });
    rows.set(row.key, { value: row, version: 0, ord: last });
  }
  for (let i = 0; i < changed.length; i += 1000) {
    const batch = changed.slice(i, i + 1000);
    // a row known here carries the version it is known at (a new row, a fresh one): it replaces
    // only that version, and a row that is not returned was changed by someone else
    const { rows: versions } = await client.query<{ key: string; version: string }>(
      `INSERT INTO duban_outbox (key, ord, value, version, status, locked_by, locked_at)
       SELECT k, o, v::jsonb, COALESCE(w, ${NEXT_VERSION}), s, b, a FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[]) AS t(k, o, v, s, b, a, w)
       ON CONFLICT (key) DO UPDATE SET ord = EXCLUDED.ord, value = EXCLUDED.value, version = ${NEXT_VERSION}, status = EXCLUDED.status, locked_by = EXCLUDED.locked_by, locked_at = EXCLUDED.locked_at
       WHERE duban_outbox.version = EXCLUDED.version
       RETURNING key, version`,
      [
        batch.map((c) => c.row.key),
        batch.map((c) => c.ord),
        batch.map((c) => JSON.stringify(c.row)),
        batch.map((c) => c.row.status),
        batch.map((c) => c.row.lockedBy ?? null),
        batch.map((c) => c.row.lockedAt ?? null),
        batch.map((c) => c.was ?? null),
      ],
    );
    if (versions.length !== batch.length) throw claimedMeanwhile();
    for (const v of versions) rows.get(v.key)!.version = Number(v.version);
  }
  const gone = [...before.keys()].filter((k) => !rows.has(k));
  if (gone.length > 0) {
    const removed = await client.query(
      'DELETE FROM duban_outbox o USING unnest($1::text[], $2::bigint[]) AS t(k, w) WHERE o.key = t.k AND o.version = t.w',
      [gone, gone.map((k) => before.get(k)!.version)],
    );
    if (removed.rowCount !== gone.length) throw claimedMeanwhile();
  }
  const version =
    was !== undefined && changed.length === 0 && gone.length === 0
      ? was.version
      : Number((await client.query<{ v: string }>(`SELECT ${NEXT_VERSION} AS v`)).rows[0]!.v);
  return { value: list, version, rows, claims: was?.claims ?? -1 };
}

const claimedMeanwhile = (): StoreError =>
  new StoreError('另一个实例刚领取了待发送的消息:本次办理未生效,请重试', 'STATE_STALE');

/**
 * Claims up to `batch` pending rows due at `now`, in the outbox's order, skipping rows that another
 * transaction holds (`FOR UPDATE SKIP LOCKED`: two claimants never wait for each other nor take the
 * same row), without the state's lock: `claim` marks the rows (claimed, or expired), and they are
 * written back with new versions in the same short transaction. A state write computed before the
 * claim that changes one of these rows is refused (`writeOutbox`) and computed again. Returns the
 * rows as written.
 */
export async function claimOutboxRows(
  pool: pg.Pool,
  o: { now: Date; batch: number; claim: (due: OutboxRow[]) => void; notify: string },
): Promise<OutboxRow[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const due = (
      await client.query<{ value: unknown }>(
        `SELECT value FROM duban_outbox WHERE status = 'pending' AND value->>'runAt' <= $1
         ORDER BY ord LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [o.now.toISOString(), o.batch],
      )
    ).rows.map((r) => OutboxRow.parse(r.value));
    if (due.length === 0) {
      await client.query('COMMIT');
      return [];
    }
    o.claim(due);
    await client.query(
      `UPDATE duban_outbox o SET value = t.v::jsonb, status = t.s, locked_by = t.b, locked_at = t.a, version = ${NEXT_VERSION}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(k, v, s, b, a) WHERE o.key = t.k`,
      [
        due.map((r) => r.key),
        due.map((r) => JSON.stringify(r)),
        due.map((r) => r.status),
        due.map((r) => r.lockedBy ?? null),
        due.map((r) => r.lockedAt ?? null),
      ],
    );
    await client.query('UPDATE duban_outbox_claims SET n = n + 1 WHERE id = 1');
    await client.query("SELECT pg_notify('duban_changed', $1)", [o.notify]);
    await client.query('COMMIT');
    return due;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The outbox as the database holds it: the rows whose version moved fetched, the others kept. */
async function readOutbox(
  client: pg.PoolClient | pg.Client | pg.Pool,
  version: number,
  was: Known | undefined,
): Promise<Known> {
  const claims = Number(
    (await client.query<{ n: string }>('SELECT n FROM duban_outbox_claims WHERE id = 1')).rows[0]?.n ?? 0,
  );
  if (was !== undefined && was.version === version && was.claims === claims) return was;
  const before = was?.rows ?? new Map<string, OutboxKnown>();
  const index = (
    await client.query<{ key: string; version: string; ord: string }>(
      'SELECT key, version, ord FROM duban_outbox ORDER BY ord',
    )
  ).rows;
  const stale = index.filter((r) => before.get(r.key)?.version !== Number(r.version)).map((r) => r.key);
  const fetched = new Map<string, unknown>();
  for (let i = 0; i < stale.length; i += 5000)
    for (const r of (
      await client.query<{ key: string; value: unknown }>('SELECT key, value FROM duban_outbox WHERE key = ANY($1)', [
        stale.slice(i, i + 5000),
      ])
    ).rows)
      fetched.set(r.key, r.value);
  const rows = new Map<string, OutboxKnown>();
  const list: OutboxRow[] = [];
  for (const r of index) {
    const value = fetched.has(r.key) ? OutboxRow.parse(fetched.get(r.key)) : before.get(r.key)!.value;
    rows.set(r.key, { value, version: Number(r.version), ord: Number(r.ord) });
    list.push(value);
  }
  return { value: list, version, rows, claims };
}

/** The obligation lists `versions` names, each in its place. */
async function listsOf(
  client: pg.PoolClient | pg.Client | pg.Pool,
  versions: Record<string, Versions>,
): Promise<Record<string, Record<string, unknown>>> {
  const which = Object.entries(versions).flatMap(([year, plans]) =>
    Object.keys(plans).map((planId) => [year, planId] as const),
  );
  const lists = await fetchLists(client, which);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [year, planId] of which) (out[year] ??= {})[planId] = lists.get(listKey(year, planId));
  return out;
}

async function fetchParts(client: pg.PoolClient | pg.Client | pg.Pool, keys: string[]): Promise<Map<string, unknown>> {
  if (keys.length === 0) return new Map();
  const rows = (
    await client.query<{ key: string; value: unknown }>(
      'SELECT key, value FROM duban_state_parts WHERE key = ANY($1)',
      [keys],
    )
  ).rows;
  const out = new Map(rows.map((r) => [r.key, r.value]));
  for (const key of keys) if (!out.has(key)) throw new Error(`数据库缺少状态的 ${key} 部分(duban_state_parts)`);
  return out;
}

/** The lists named (year, plan), as stored (not validated), by listKey. */
async function fetchLists(
  client: pg.PoolClient | pg.Client | pg.Pool,
  which: ReadonlyArray<readonly [string, string]>,
): Promise<Map<string, unknown>> {
  if (which.length === 0) return new Map();
  const rows = (
    await client.query<{ year: string; plan_id: string; records: unknown }>(
      'SELECT year, plan_id, records FROM duban_obligations WHERE (year, plan_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [which.map(([y]) => y), which.map(([, p]) => p)],
    )
  ).rows;
  const out = new Map(rows.map((r) => [listKey(r.year, r.plan_id), r.records]));
  for (const [year, planId] of which)
    if (!out.has(listKey(year, planId)))
      throw new Error(`数据库缺少 ${year} 年 ${planId} 的义务记录(duban_obligations)`);
  return out;
}

/** Runs `fn` in a read-only REPEATABLE READ transaction: every query in it sees the same snapshot. */
export async function snapshot<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
