import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { LedgerEvent } from '../../model/ledger.js';
import { eventHash, GENESIS_HASH } from './event-hash.js';
import { hasDuplicateKeys } from './json-keys.js';
import { StateDigestError } from '../state-seal.js';
import { JOURNAL_FILE, readCommitted, type Replayed } from '../lowdb/state-journal.js';

/** Every member an event line may have: a line with any other top-level member is refused, not stripped. */
const ENVELOPE = new Set(['id', 'seq', 'at', 'prevHash', 'hash', 'type', 'actor', 'subject', 'channel', 'payload']);
const ACTOR = new Set(['type', 'id', 'name']);
const SUBJECT = new Set(['type', 'id']);

const extra = (o: unknown, allowed: ReadonlySet<string>): string | undefined =>
  o && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o).find((k) => !allowed.has(k)) : undefined;

/**
 * Checks one stored line against the event before it: it parses, has exactly the envelope's
 * members, its hash is the sha256 of the previous hash and the canonical JSON of *every byte that
 * matters* in the line as stored (members named `__proto__` included), and it continues the chain.
 * Returns the event, or why the line is bad.
 */
export function checkLine(
  line: string,
  prev: { seq: number; hash: string },
): { event: LedgerEvent } | { problem: string } {
  const r = readLine(line);
  if ('problem' in r) return r;
  if (r.event.seq !== prev.seq + 1)
    return { problem: `序号应为 ${prev.seq + 1},实为 ${r.event.seq}(有记录缺失、重复或顺序被调换)` };
  if (r.event.prevHash !== prev.hash) return { problem: '与上一条记录的哈希不衔接(有记录被删除、插入或调换)' };
  return r;
}

/** One stored line on its own: parses, has exactly the envelope's members, and its hash covers it as stored. */
export function readLine(line: string): { event: LedgerEvent } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { problem: '不是有效的 JSON' };
  }
  // JSON.parse keeps the last of two equal members: a forged copy before the genuine one would hash as genuine
  if (hasDuplicateKeys(line)) return { problem: '同一字段出现两次(可能夹带了伪造的内容)' };
  const bad =
    extra(raw, ENVELOPE) ??
    extra((raw as { actor?: unknown }).actor, ACTOR) ??
    extra((raw as { subject?: unknown }).subject, SUBJECT);
  if (bad !== undefined) return { problem: `含有台账格式以外的字段"${bad}"` };
  const parsed = LedgerEvent.safeParse(raw);
  if (!parsed.success)
    return {
      problem: `格式不符:${parsed.error.issues
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join(';')
        .slice(0, 160)}`,
    };
  // the hash is recomputed from the line as stored (the parsed copy drops nothing that was written)
  const { hash, ...rest } = raw as LedgerEvent & Record<string, unknown>;
  if (eventHash(rest as Omit<LedgerEvent, 'hash'>) !== hash) return { problem: '内容与哈希不符(记录被改动)' };
  return { event: parsed.data };
}

export interface VerifyResult {
  ok: boolean;
  /** Events that verified, in order. */
  events: number;
  head: { seq: number; hash: string };
  /** The first problem: where, and what (Chinese, for operators and evaluators). */
  problem?: { seq: number; file: string; line: number; message: string };
}

const SEGMENT = /^(\d{12})\.jsonl$/;

/**
 * Verifies a JSONL ledger from its first event (streaming, any size): every line, every link, the
 * segment names, a torn last line, and — given the state document's marker — that the ledger is
 * neither shorter than the state says (a truncated or cut file) nor different at that point.
 */
export async function verifyLedgerDir(
  dir: string,
  anchor?: { seq: number; hash: string; unflushed?: number },
  o: { stopAtAnchor?: boolean } = {},
): Promise<VerifyResult> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => SEGMENT.test(f)).sort();
  let prev = { seq: 0, hash: GENESIS_HASH };
  let events = 0;
  const fail = (file: string, line: number, message: string): VerifyResult => ({
    ok: false,
    events,
    head: prev,
    problem: { seq: prev.seq + 1, file, line, message },
  });
  scan: for (const file of files) {
    const first = Number(SEGMENT.exec(file)![1]);
    if (first !== prev.seq + 1 && !(first === 1 && prev.seq === 0))
      return fail(file, 0, `分段文件名表明从序号 ${first} 开始,但上一段结束于 ${prev.seq}(有分段缺失或多余)`);
    const path = join(dir, file);
    const { size: bytes } = await stat(path);
    let lineNo = 0;
    let consumed = 0;
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo += 1;
      consumed += Buffer.byteLength(line) + 1;
      if (line === '') continue;
      if (consumed > bytes) return fail(file, lineNo, '最后一条记录没有写完(文件被截断,或写入时中断)');
      const r = checkLine(line, prev);
      if ('problem' in r) return fail(file, lineNo, r.problem);
      prev = { seq: r.event.seq, hash: r.event.hash };
      events += 1;
      // a running server may be appending after the state it committed: what it committed is what is checked
      if (o.stopAtAnchor && anchor && prev.seq >= anchor.seq) {
        lines.close();
        break scan;
      }
    }
  }
  if (anchor) {
    // the state file commits first: it may hold events the ledger has not received yet (appended at the next start), never fewer
    const behind = anchor.seq - (anchor.unflushed ?? 0);
    if (prev.seq < behind)
      return {
        ok: false,
        events,
        head: prev,
        problem: {
          seq: prev.seq + 1,
          file: files.at(-1) ?? '',
          line: 0,
          message: `台账只到序号 ${prev.seq},而数据文件记录到 ${anchor.seq}:台账末尾的记录缺失(文件被截断或删除)`,
        },
      };
    if (prev.seq > anchor.seq && !o.stopAtAnchor)
      return {
        ok: false,
        events,
        head: prev,
        problem: {
          seq: anchor.seq + 1,
          file: files.at(-1) ?? '',
          line: 0,
          message: `台账记录到序号 ${prev.seq},而数据文件只到 ${anchor.seq}:数据文件可能是从旧备份恢复的`,
        },
      };
    if (prev.seq === anchor.seq && prev.hash !== anchor.hash)
      return {
        ok: false,
        events,
        head: prev,
        problem: {
          seq: prev.seq,
          file: files.at(-1) ?? '',
          line: 0,
          message: '台账最后一条记录的哈希与数据文件记录的不一致',
        },
      };
  }
  return { ok: true, events, head: prev };
}

/** Verifies a data directory: its ledger, anchored by the state document when there is one. */
export async function verifyDataDir(dataDir: string, o: { stopAtAnchor?: boolean } = {}): Promise<VerifyResult> {
  let anchor: { seq: number; hash: string; unflushed: number } | undefined;
  let committed: Replayed | undefined;
  try {
    committed = await readCommitted(join(dataDir, 'state.json'), join(dataDir, JOURNAL_FILE));
  } catch (error) {
    if (error instanceof StateDigestError)
      return {
        ok: false,
        events: 0,
        head: { seq: 0, hash: GENESIS_HASH },
        problem: {
          seq: 0,
          file: basename(error.path),
          line: 0,
          message: '状态文件的内容与其摘要不符:文件在督办通之外被改动过',
        },
      };
    committed = undefined;
  }
  try {
    const doc = (committed?.doc ?? {}) as {
      ledger?: { seq?: number; hash?: string; unflushed?: unknown[] };
    };
    if (doc.ledger && typeof doc.ledger.seq === 'number' && doc.ledger.seq >= 0 && typeof doc.ledger.hash === 'string')
      anchor = { seq: doc.ledger.seq, hash: doc.ledger.hash, unflushed: doc.ledger.unflushed?.length ?? 0 };
  } catch {
    anchor = undefined;
  }
  return verifyLedgerDir(join(dataDir, 'ledger'), anchor, o);
}

/** Reads a ledger directory without opening (or repairing) it: for tools that run beside the server. */
export function readLedgerDir(dir: string): { read(fromSeq?: number): AsyncIterable<LedgerEvent> } {
  return {
    async *read(fromSeq = 1) {
      const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => SEGMENT.test(f)).sort();
      for (const file of files) {
        const lines = createInterface({ input: createReadStream(join(dir, file)), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line === '') continue;
          const r = readLine(line);
          if ('problem' in r) return; // a torn last line (or worse: ledger:verify says which)
          if (r.event.seq >= fromSeq) yield r.event;
        }
      }
    },
  };
}
