import type pg from 'pg';
import { z } from 'zod';
import { ObligationRecord } from '../../../../shared/schemas/obligation.js';
import { migrate } from '../migrations.js';
import { State, STATE_VERSION } from '../state.js';

/**
 * How the state is laid out in PostgreSQL: one JSONB document (`duban_state`) for everything but
 * the stored obligations, whose lists — one per year and plan, as the state keeps them — are rows
 * of their own (`duban_obligations`). A province's 1.6M records do not fit in one document (V8
 * cannot even make the string: 512 MB), and a fulfilment changes one list: only lists that changed
 * are written, in the transaction that writes the document. The document keeps each list's place
 * (the order of plans within a year) and its version, so a reader fetches only the lists that
 * changed since it last read.
 */

/** A list as last written or read by this instance: the very array (immer keeps an unchanged one) and its version. */
export type KnownLists = ReadonlyMap<string, { list: readonly ObligationRecord[]; version: number }>;

const keyOf = (year: string, planId: string): string => `${year}\u0000${planId}`;

/** The document's `obligations`: year → plan → the list's version (a new one at each write of it). */
type ListVersions = Record<string, Record<string, number>>;

const isListVersions = (o: unknown): o is ListVersions =>
  typeof o === 'object' &&
  o !== null &&
  Object.values(o).every(
    (plans) => typeof plans === 'object' && plans !== null && Object.values(plans).every((v) => typeof v === 'number'),
  );

/**
 * Writes `next` (its `ledger.unflushed` already emptied by the caller): the lists that are not the
 * ones `known` holds, the removal of lists it no longer has, and the document. Returns what is
 * known after the write (valid once the transaction commits).
 */
export async function writeStateRows(
  client: pg.PoolClient | pg.Client,
  next: State,
  known: KnownLists,
): Promise<{ doc: string; known: KnownLists }> {
  const versions: ListVersions = {};
  const after = new Map<string, { list: readonly ObligationRecord[]; version: number }>();
  for (const [year, plans] of Object.entries(next.obligations)) {
    versions[year] = {};
    for (const [planId, list] of Object.entries(plans)) {
      const key = keyOf(year, planId);
      let entry = known.get(key);
      if (entry?.list !== list) {
        const { rows } = await client.query<{ version: string }>(
          "INSERT INTO duban_obligations (year, plan_id, records, version) VALUES ($1, $2, $3, nextval('duban_obligation_versions')) ON CONFLICT (year, plan_id) DO UPDATE SET records = EXCLUDED.records, version = EXCLUDED.version RETURNING version",
          [year, planId, JSON.stringify(list)],
        );
        entry = { list, version: Number(rows[0]!.version) };
      }
      versions[year]![planId] = entry.version;
      after.set(key, entry);
    }
  }
  const gone = [...known.keys()].filter((k) => !after.has(k)).map((k) => k.split('\u0000'));
  if (gone.length > 0)
    await client.query(
      'DELETE FROM duban_obligations WHERE (year, plan_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [gone.map(([y]) => y), gone.map(([, p]) => p)],
    );
  return { doc: JSON.stringify({ ...next, obligations: versions }), known: after };
}

/**
 * The state as the database holds it (read in the caller's snapshot), reusing the lists `known`
 * still holds; undefined when there is none yet. A document of an older layout (its obligations
 * inline) or an older schema version is read whole and migrated; its lists are then not known,
 * so the next write stores them all as rows.
 */
export async function readStateRows(
  client: pg.PoolClient | pg.Client | pg.Pool,
  known: KnownLists = new Map(),
): Promise<{ state: State; seq: number; known: KnownLists } | undefined> {
  const row = (
    await client.query<{ doc: Record<string, unknown>; seq: string }>('SELECT doc, seq FROM duban_state WHERE id = 1')
  ).rows[0];
  if (!row) return undefined;
  const seq = Number(row.seq);
  const { obligations, ...doc } = row.doc;
  if (!isListVersions(obligations) || doc.schemaVersion !== STATE_VERSION) {
    // inline lists (written before they had rows), or a document to migrate: whole, then rows
    const lists = isListVersions(obligations) ? await fetchLists(client, obligations) : undefined;
    const whole = { ...doc, obligations: lists ? assemble(obligations as ListVersions, lists) : obligations };
    return { state: State.parse(migrate(whole).doc), seq, known: new Map() };
  }
  const wanted: ListVersions = {};
  for (const [year, plans] of Object.entries(obligations))
    for (const [planId, s] of Object.entries(plans))
      if (known.get(keyOf(year, planId))?.version !== s) (wanted[year] ??= {})[planId] = s;
  const fetched = await fetchLists(client, wanted);
  const after = new Map<string, { list: readonly ObligationRecord[]; version: number }>();
  const byYear: State['obligations'] = {};
  for (const [year, plans] of Object.entries(obligations)) {
    byYear[year] = {};
    for (const [planId, s] of Object.entries(plans)) {
      const key = keyOf(year, planId);
      const fresh = fetched.get(key);
      const list = fresh ? Records.parse(fresh) : known.get(key)!.list;
      byYear[year][planId] = list as ObligationRecord[];
      after.set(key, { list, version: s });
    }
  }
  const state = State.parse({ ...doc, obligations: {} });
  return { state: { ...state, obligations: byYear }, seq, known: after };
}

const Records = z.array(ObligationRecord);

/** The lists `which` names, as stored (not validated). */
async function fetchLists(
  client: pg.PoolClient | pg.Client | pg.Pool,
  which: ListVersions,
): Promise<Map<string, unknown>> {
  const years: string[] = [];
  const plans: string[] = [];
  for (const [year, ps] of Object.entries(which))
    for (const planId of Object.keys(ps)) {
      years.push(year);
      plans.push(planId);
    }
  if (years.length === 0) return new Map();
  const rows = (
    await client.query<{ year: string; plan_id: string; records: unknown }>(
      'SELECT year, plan_id, records FROM duban_obligations WHERE (year, plan_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [years, plans],
    )
  ).rows;
  const out = new Map(rows.map((r) => [keyOf(r.year, r.plan_id), r.records]));
  for (let i = 0; i < years.length; i += 1)
    if (!out.has(keyOf(years[i]!, plans[i]!)))
      throw new Error(`数据库缺少 ${years[i]} 年 ${plans[i]} 的义务记录(duban_obligations)`);
  return out;
}

/** The document's obligations with each list in its place. */
function assemble(
  versions: ListVersions,
  lists: ReadonlyMap<string, unknown>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [year, plans] of Object.entries(versions)) {
    out[year] = {};
    for (const planId of Object.keys(plans)) out[year][planId] = lists.get(keyOf(year, planId));
  }
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
