import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { pgLedgerEvents } from './read-pg.js';
import type { LedgerEvent } from '../../model/ledger.js';
import { StoreError } from '../errors.js';
import { eventHash, GENESIS_HASH } from '../ledger/event-hash.js';
import { readLedgerDir, verifyDataDir } from '../ledger/verify.js';
import { readStateReadOnly } from '../read-state.js';
import { migratePg } from './pg-store.js';
import { writeStateRows } from './state-rows.js';
import { pgEvidence } from './pg-evidence.js';
import type { EvidenceRemote } from '../evidence-remote.js';

export interface CopyResult {
  /** Events written by this run (0 when the database already held them all). */
  copied: number;
  /** The ledger's head in the database afterwards, verified from its first event. */
  head: { seq: number; hash: string };
  events: number;
  alreadyCopied: boolean;
  /** Evidence files moved into the database by this run (those already there are skipped). */
  files: number;
}

/** The data directory's evidence files (`<2 hex>/<sha256>`) into the database, each checked by its hash. */
async function copyEvidence(dir: string, remote: EvidenceRemote, log: (m: string) => void): Promise<number> {
  let files = 0;
  for (const prefix of await readdir(dir).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of await readdir(join(dir, prefix))) {
      if (!/^[0-9a-f]{64}$/.test(name) || (await remote.has(name))) continue;
      const path = join(dir, prefix, name);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== name) {
        log(`跳过内容与文件名不符的佐证材料 ${prefix}/${name}`);
        continue;
      }
      await remote.put(name, path);
      files += 1;
    }
  }
  return files;
}

/**
 * Copies an embedded data directory (state.json + ledger/) into PostgreSQL. The directory is
 * verified first (its hash chain, anchored by its state) and read without opening it; the database
 * gets the events it does not have yet and the state document, in one transaction. Idempotent: a
 * second run finds the same head and writes nothing; a run after the directory grew adds the rest.
 * A database holding a different history is refused, never overwritten. Afterwards the database's
 * chain is verified from its first event.
 */
export async function copyToPg(
  dataDir: string,
  url: string,
  log: (m: string) => void = () => undefined,
): Promise<CopyResult> {
  const source = await verifyDataDir(dataDir);
  if (!source.ok)
    throw new StoreError(
      `数据目录的台账校验未通过(第 ${source.problem!.seq} 条:${source.problem!.message}),不会迁移。请先用 npm run ledger:verify 查明`,
      'STATE_CORRUPT',
    );
  const doc = await readStateReadOnly(dataDir);
  // the state file commits first: events it carries that the ledger file has not received yet are the tail
  const tail = doc.ledger.unflushed.filter((e) => e.seq > source.head.seq);
  const sourceHead = tail.at(-1) ? { seq: tail.at(-1)!.seq, hash: tail.at(-1)!.hash } : source.head;
  if (doc.ledger.seq !== sourceHead.seq)
    throw new StoreError('数据目录的状态与台账对不上:请先启动再正常停止一次督办通,然后迁移', 'STATE_BEHIND_LEDGER');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migratePg(pool, { info: log });
    const client = await pool.connect();
    let copied = 0;
    let alreadyCopied = false;
    try {
      await client.query('BEGIN');
      // one copier at a time, and no server writing meanwhile (it would fail its conditional update)
      await client.query(
        'LOCK TABLE duban_state, duban_ledger, duban_obligations, duban_state_parts, duban_outbox IN EXCLUSIVE MODE',
      );
      const headRow = (
        await client.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM duban_ledger ORDER BY seq DESC LIMIT 1',
        )
      ).rows[0];
      const target = { seq: headRow ? Number(headRow.seq) : 0, hash: headRow?.hash ?? GENESIS_HASH };
      if (target.seq > sourceHead.seq)
        throw new StoreError(
          `数据库的台账(第 ${target.seq} 条)比数据目录(第 ${sourceHead.seq} 条)更长:数据库里是另一份数据,不会覆盖`,
          'STATE_CORRUPT',
        );
      if (target.seq > 0) {
        // the database's history must be the beginning of the directory's
        let at: LedgerEvent | undefined;
        for await (const e of readLedgerDir(join(dataDir, 'ledger')).read(target.seq)) {
          at = e;
          break;
        }
        at ??= tail.find((e) => e.seq === target.seq);
        if (!at || at.hash !== target.hash)
          throw new StoreError(
            `数据库的台账第 ${target.seq} 条与数据目录的不同:数据库里是另一份数据,不会覆盖`,
            'STATE_CORRUPT',
          );
      }
      alreadyCopied = target.seq === sourceHead.seq && target.seq > 0;
      let batch: LedgerEvent[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const values: unknown[] = [];
        const rows = batch.map((e, i) => {
          values.push(e.seq, e.hash, e.prevHash, e.at, e.type, JSON.stringify(e));
          return `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`;
        });
        await client.query(
          `INSERT INTO duban_ledger (seq, hash, prev_hash, at, type, event) VALUES ${rows.join(', ')}`,
          values,
        );
        copied += batch.length;
        batch = [];
      };
      for await (const e of readLedgerDir(join(dataDir, 'ledger')).read(target.seq + 1)) {
        batch.push(e);
        if (batch.length >= 500) await flush();
      }
      for (const e of tail) if (e.seq > target.seq) batch.push(e);
      await flush();
      // the directory's state replaces the database's, as rows
      await client.query('DELETE FROM duban_obligations');
      await client.query('DELETE FROM duban_state_parts');
      await client.query('DELETE FROM duban_outbox');
      const { doc: state } = await writeStateRows(
        client,
        { ...doc, ledger: { ...doc.ledger, unflushed: [] } },
        new Map(),
      );
      await client.query(
        "INSERT INTO duban_state (id, doc, seq, version) VALUES (1, $1, $2, nextval('duban_state_versions')) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, seq = EXCLUDED.seq, version = EXCLUDED.version, updated_at = now()",
        [state, doc.ledger.seq],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const verified = await verifyPgLedger(pool);
    if (!verified.ok) throw new StoreError(`迁移后数据库台账校验未通过:${verified.problem}`, 'STATE_CORRUPT');
    const files = await copyEvidence(join(dataDir, 'evidence'), pgEvidence(pool), log);
    return { copied, head: verified.head, events: verified.events, alreadyCopied, files };
  } finally {
    await pool.end();
  }
}

/** Verifies the database's ledger from its first event: every hash recomputed, every link to the one before. */
export async function verifyPgLedger(
  pool: pg.Pool | pg.ClientBase,
): Promise<{ ok: boolean; events: number; head: { seq: number; hash: string }; problem?: string }> {
  let prev = { seq: 0, hash: GENESIS_HASH };
  let events = 0;
  for await (const event of pgLedgerEvents(pool)) {
    const { hash, ...rest } = event;
    if (event.seq !== prev.seq + 1) return { ok: false, events, head: prev, problem: `第 ${prev.seq + 1} 条缺失` };
    if (event.prevHash !== prev.hash)
      return { ok: false, events, head: prev, problem: `第 ${event.seq} 条与上一条的链接不符` };
    if (eventHash(rest) !== hash) return { ok: false, events, head: prev, problem: `第 ${event.seq} 条内容与哈希不符` };
    prev = { seq: event.seq, hash };
    events += 1;
  }
  return { ok: true, events, head: prev };
}
