import type pg from 'pg';
import { z } from 'zod';
import { ObligationRecord } from '../../../../shared/schemas/obligation.js';
import { migrate } from '../migrations.js';
import { State, STATE_VERSION } from '../state.js';

/**
 * How the state is laid out in PostgreSQL: each top-level member of the state is a row of
 * `duban_state_parts`, except the stored obligations, whose lists — one per year and plan, as the
 * state keeps them — are rows of `duban_obligations`. A province's state does not fit in one
 * document (1.6M obligation records: V8 cannot even make the string), and a write changes few
 * members (a fulfilment: one list, the ledger position, perhaps the outbox): only rows whose value
 * is not the very one last written or read (immer keeps what did not change) are written, in the
 * transaction that writes `duban_state`. Its document names every row's version (a new one from a
 * sequence at each write of it) and the order of the plans within a year, so a reader fetches
 * only the rows that changed since it last read.
 */

/** A row as last written or read by this instance: its value (the very object the state holds) and version. */
export type KnownRows = ReadonlyMap<string, { value: unknown; version: number }>;

type Versions = Record<string, number>;
/** `duban_state`'s document. */
interface Layout {
  layout: 2;
  schemaVersion: number;
  parts: Versions;
  /** year → plan → version */
  obligations: Record<string, Versions>;
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
  const after = new Map<string, { value: unknown; version: number }>();
  const layout: Layout = { layout: 2, schemaVersion: next.schemaVersion, parts: {}, obligations: {} };
  const store = async (key: string, value: unknown, sql: string, params: unknown[]): Promise<number> => {
    const was = known.get(key);
    const entry =
      was !== undefined && was.value === value
        ? was
        : { value, version: Number((await client.query<{ version: string }>(sql, params)).rows[0]!.version) };
    after.set(key, entry);
    return entry.version;
  };
  for (const [key, value] of Object.entries(next)) {
    if (key === 'obligations' || value === undefined) continue;
    layout.parts[key] = await store(
      partKey(key),
      value,
      `INSERT INTO duban_state_parts (key, value, version) VALUES ($1, $2, ${NEXT_VERSION}) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version RETURNING version`,
      [key, JSON.stringify(value)],
    );
  }
  for (const [year, plans] of Object.entries(next.obligations)) {
    layout.obligations[year] = {};
    for (const [planId, list] of Object.entries(plans))
      layout.obligations[year][planId] = await store(
        listKey(year, planId),
        list,
        `INSERT INTO duban_obligations (year, plan_id, records, version) VALUES ($1, $2, $3, ${NEXT_VERSION}) ON CONFLICT (year, plan_id) DO UPDATE SET records = EXCLUDED.records, version = EXCLUDED.version RETURNING version`,
        [year, planId, JSON.stringify(list)],
      );
  }
  const gone = [...known.keys()].filter((k) => !after.has(k)).map((k) => k.split('\u0000'));
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
): Promise<{ state: State; seq: number; known: KnownRows } | undefined> {
  const row = (
    await client.query<{ doc: Record<string, unknown>; seq: string }>('SELECT doc, seq FROM duban_state WHERE id = 1')
  ).rows[0];
  if (!row) return undefined;
  const seq = Number(row.seq);
  const doc = row.doc;
  if (!isLayout(doc) || doc.schemaVersion !== STATE_VERSION) {
    const whole = isLayout(doc) ? await wholeOf(client, doc) : await inlineOf(client, doc);
    return { state: State.parse(migrate(whole).doc), seq, known: new Map() };
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
  const after = new Map<string, { value: unknown; version: number }>();
  const state: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(State.shape) as Array<[string, z.ZodType]>) {
    if (key === 'obligations') continue;
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
  return { state: state as State, seq, known: after };
}

const Records = z.array(ObligationRecord);

/** A document of the earlier layouts: the state inline, its obligation lists inline or (the one before this) as rows. */
async function inlineOf(
  client: pg.PoolClient | pg.Client | pg.Pool,
  doc: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { obligations } = doc;
  const asRows =
    typeof obligations === 'object' &&
    obligations !== null &&
    Object.values(obligations).every(
      (plans) =>
        typeof plans === 'object' && plans !== null && Object.values(plans).every((v) => typeof v === 'number'),
    );
  if (!asRows) return doc;
  return { ...doc, obligations: await listsOf(client, obligations as Record<string, Versions>) };
}

/** Every row a document of this layout names, as stored (to be migrated before it is read). */
async function wholeOf(client: pg.PoolClient | pg.Client | pg.Pool, doc: Layout): Promise<Record<string, unknown>> {
  const parts = await fetchParts(client, Object.keys(doc.parts));
  return { ...Object.fromEntries(parts), obligations: await listsOf(client, doc.obligations) };
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
