import type pg from 'pg';
import type { LedgerEvent } from '../../model/ledger.js';
import { emptyState, State } from '../../model/state.js';
import type { LedgerSink, Reload } from '../committer.js';
import { StoreError } from '../errors.js';
import { GENESIS_HASH } from '../ledger/event-hash.js';
import { readStateRows, snapshot, writeStateRows, type KnownRows } from './state-rows.js';

type Row = { seq: string; event: LedgerEvent };

const stale = (cause?: unknown): StoreError =>
  new StoreError('另一个实例刚写入了数据:本次办理未生效,请重试', 'STATE_STALE', cause ? { cause } : undefined);

/** What this instance knows of the database: the state's version it last wrote or read, its rows, the chain's last event. */
interface Cursor {
  /** Every write is conditional on this version: another instance's write in between refuses it. */
  written: number;
  /** The state's rows as last written or read (what a write need not write again). */
  known: KnownRows;
  last: LedgerEvent | undefined;
}

/** The state as opened: read in one snapshot with the chain's head, created when the database is new. */
export interface Opened {
  state: State;
  created: boolean;
}

/**
 * One instance's reading and writing of the state rows and the ledger table: the opening read, the
 * conditional write of a group commit (events and state in ONE database transaction), the reload
 * of what other instances committed, and the ledger sink the committer appends through. The cursor
 * it keeps (version, known rows, last event) is what makes a write conditional and a reload cheap.
 */
export class PgWriter {
  private readonly cursor: Cursor = { written: 0, known: new Map(), last: undefined };
  private readonly listeners = new Set<(events: readonly LedgerEvent[]) => void>();
  /** The rows each reloaded state came with: they become known when the committer adopts that state. */
  private readonly reloaded = new WeakMap<State, { known: KnownRows; version: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly instanceId: string,
  ) {}

  /**
   * The state, the chain head and the last event are read in ONE snapshot (another instance
   * committing between two separate reads would make a consistent database look inconsistent); an
   * empty database gets its first state here.
   */
  async open(): Promise<Opened> {
    const { stored, headRow } = await snapshot(this.pool, async (client) => {
      const stored = await readStateRows(client);
      const headRow = (await client.query<Row>('SELECT seq, event FROM duban_ledger ORDER BY seq DESC LIMIT 1'))
        .rows[0];
      return { stored, headRow };
    });
    const created = stored === undefined;
    const state = stored?.state ?? State.parse(emptyState());
    this.cursor.written = stored?.version ?? 0;
    this.cursor.known = stored?.known ?? new Map();
    const headSeq = headRow ? Number(headRow.seq) : 0;
    if (headSeq !== state.ledger.seq)
      throw new StoreError(
        `数据库中台账(第 ${headSeq} 条)与状态(第 ${state.ledger.seq} 条)不一致:服务未启动`,
        'STATE_BEHIND_LEDGER',
      );
    if (created) await this.create(state);
    this.cursor.last = headRow?.event;
    return { state: { ...state, ledger: { ...state.ledger, unflushed: [] } }, created };
  }

  /**
   * The state row first: an instance starting at the same moment waits on it, then finds it taken
   * (and its first write reloads what this one created) instead of writing rows over these.
   */
  private async create(state: State): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const claimed = await client.query(
        "INSERT INTO duban_state (id, doc, seq) VALUES (1, '{}', 0) ON CONFLICT (id) DO NOTHING",
      );
      if (claimed.rowCount !== 1) {
        await client.query('ROLLBACK');
        return;
      }
      const rows = await writeStateRows(client, state, this.cursor.known);
      const { version } = (
        await client.query<{ version: string }>(
          `UPDATE duban_state SET doc = $1, version = nextval('duban_state_versions') WHERE id = 1 RETURNING version`,
          [rows.doc],
        )
      ).rows[0]!;
      await client.query('COMMIT');
      this.cursor.known = rows.known;
      this.cursor.written = Number(version);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The sink the committer appends through: the events were inserted with the state, here they only become visible. */
  sink(): LedgerSink {
    const { cursor, listeners, pool } = this;
    const show = (events: readonly LedgerEvent[]): void => {
      if (events.length === 0) return;
      cursor.last = events.at(-1);
      for (const l of listeners) l(events);
    };
    return {
      head: () => ({ seq: cursor.last?.seq ?? 0, hash: cursor.last?.hash ?? GENESIS_HASH }),
      last: () => cursor.last,
      read: (fromSeq = 1) => ({
        async *[Symbol.asyncIterator]() {
          let from = fromSeq;
          const upTo = cursor.last?.seq ?? 0;
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
      appendPrepared: async (events) => show(events),
      recover: async () => undefined,
      // only what is adopted moves `written`: a reload that was not adopted (a write of ours got in
      // between) must not make a stale write look current
      adopt: (events, adopted) => {
        const read = this.reloaded.get(adopted);
        if (read) {
          cursor.known = read.known;
          cursor.written = read.version;
        }
        show(events);
      },
    };
  }

  /**
   * What other instances committed since this one last read or wrote: the state (only the rows
   * that changed), the events after this one's head, and whether anything moved (a claim moves
   * only messages).
   */
  readonly reload: Reload = () =>
    snapshot(this.pool, async (client) => {
      const fresh = (await readStateRows(client, this.cursor.known))!;
      const events = (
        await client.query<Row>('SELECT seq, event FROM duban_ledger WHERE seq >= $1 AND seq <= $2 ORDER BY seq', [
          (this.cursor.last?.seq ?? 0) + 1,
          fresh.seq,
        ])
      ).rows.map((r) => r.event);
      const state = { ...fresh.state, ledger: { ...fresh.state.ledger, unflushed: [] } };
      this.reloaded.set(state, { known: fresh.known, version: fresh.version });
      return { state, events, changed: fresh.version !== this.cursor.written || fresh.outboxMoved };
    });

  /** A group commit: its events and the changed rows in one transaction, conditional on the version last seen. */
  readonly write = async (next: State): Promise<void> => {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // writers queue here, one at a time: a writer that finds another's write first stops at once
      const at = (await client.query<{ version: string }>('SELECT version FROM duban_state WHERE id = 1 FOR UPDATE'))
        .rows[0];
      if (Number(at?.version) !== this.cursor.written) throw stale();
      await insertEvents(client, next.ledger.unflushed);
      const rows = await writeStateRows(
        client,
        { ...next, ledger: { ...next.ledger, unflushed: [] } },
        this.cursor.known,
      );
      const updated = await client.query<{ version: string }>(
        `UPDATE duban_state SET doc = $1, seq = $2, version = nextval('duban_state_versions'), updated_at = now() WHERE id = 1 AND version = $3 RETURNING version`,
        [rows.doc, next.ledger.seq, this.cursor.written],
      );
      if (updated.rowCount !== 1) throw stale();
      // the other instances wake up and read what this one wrote (delivered at commit)
      await client.query("SELECT pg_notify('duban_changed', $1)", [this.instanceId]);
      await client.query('COMMIT');
      this.cursor.written = Number(updated.rows[0]!.version);
      this.cursor.known = rows.known;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // a unique violation all the same (a key added later): another instance's write, not a failure
      if ((error as { code?: unknown }).code === '23505') throw stale(error);
      throw error;
    } finally {
      client.release();
    }
  };
}

/**
 * One statement for the group commit's events; any conflict (seq, or hash: two instances can make
 * byte-identical events) means another instance wrote first; the conditional update after it then
 * refuses, and the batch is rebased.
 */
async function insertEvents(client: pg.PoolClient, events: readonly LedgerEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO duban_ledger (seq, hash, prev_hash, at, type, event)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[])
     ON CONFLICT DO NOTHING`,
    [
      events.map((e) => e.seq),
      events.map((e) => e.hash),
      events.map((e) => e.prevHash),
      events.map((e) => e.at),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e)),
    ],
  );
}
