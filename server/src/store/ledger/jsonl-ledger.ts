import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LedgerEvent } from '../../model/ledger.js';
import { NewLedgerEvent } from '../../model/ledger.js';
import { fsyncDir } from '../durable-fs.js';
import { StoreError } from '../errors.js';
import { notify } from './notify.js';
import type { LedgerSink } from '../committer.js';
import { eventHash, GENESIS_HASH } from './event-hash.js';
import { readLine } from './verify.js';

export interface JsonlLedgerOptions {
  clock: () => Date;
  /** Start a new segment once the current one exceeds this size. */
  maxSegmentBytes?: number;
  /** Called when a torn tail (an append that never completed) is cut off at open. */
  onRepair?: (message: string) => void;
}

type Pending = { seq: number; line: string; resolve: () => void; reject: (e: unknown) => void };

const SEGMENT = /^(\d{12})\.jsonl$/;
const segmentName = (firstSeq: number): string => `${String(firstSeq).padStart(12, '0')}.jsonl`;

/**
 * The append-only ledger: JSON Lines segments named by their first sequence number. Appends get a
 * sequence number and a hash chained to the previous event at call time, then are written in
 * batches (group commit: one write and one fdatasync for everything queued meanwhile). An append
 * resolves only after its batch is on disk. Cost is independent of history size: opening reads
 * only the last segment, appending never rewrites.
 */
export class JsonlLedger implements LedgerSink {
  private seq = 0;
  private hash = GENESIS_HASH;
  private lastEvent: LedgerEvent | undefined;
  private handle: FileHandle | undefined;
  private segmentBytes = 0;
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Highest sequence number known to be on disk. */
  private durableSeq = 0;
  private failed: unknown;
  private readonly maxSegmentBytes: number;

  private constructor(
    private readonly dir: string,
    private readonly options: JsonlLedgerOptions,
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
  }

  static async open(dir: string, options: JsonlLedgerOptions): Promise<JsonlLedger> {
    const ledger = new JsonlLedger(dir, options);
    await ledger.load();
    return ledger;
  }

  private async segments(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => SEGMENT.test(n)).sort();
  }

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const names = await this.segments();
    let current: string | undefined;
    for (let i = names.length - 1; i >= 0; i -= 1) {
      const name = names[i]!;
      const events = await this.loadSegment(name, i === names.length - 1);
      current ??= name;
      if (events.length > 0) {
        const last = events.at(-1)!;
        this.seq = last.seq;
        this.durableSeq = last.seq;
        this.hash = last.hash;
        this.lastEvent = last;
        break;
      }
    }
    current ??= segmentName(1);
    const path = join(this.dir, current);
    this.handle = await open(path, 'a');
    this.segmentBytes = (await this.handle.stat()).size;
    await fsyncDir(this.dir);
  }

  /** Reads and validates one segment; cuts a torn tail off the last one. */
  private async loadSegment(name: string, isLast: boolean): Promise<LedgerEvent[]> {
    const path = join(this.dir, name);
    const buffer = await readFile(path);
    const end = buffer.lastIndexOf(0x0a) + 1;
    if (end < buffer.length) {
      const tail = buffer.subarray(end);
      if (!isLast)
        throw new StoreError(
          `台账文件 ${path} 末尾不完整(${tail.length} 字节),且不是最后一个分段:文件可能被改动,请从备份恢复`,
          'LEDGER_CORRUPT',
        );
      await truncate(path, end);
      this.options.onRepair?.(`台账文件 ${path} 末尾有一条未写完的记录(${tail.length} 字节,未确认过),已截去`);
    }
    const text = buffer.subarray(0, end).toString('utf8');
    const events: LedgerEvent[] = [];
    let prev: LedgerEvent | undefined;
    let lineNo = 0;
    for (const line of text.split('\n')) {
      lineNo += 1;
      if (line === '') continue;
      // strict: a member the format does not have is refused, and the hash covers the line as stored
      const read = readLine(line);
      if ('problem' in read)
        throw new StoreError(
          `台账文件 ${path} 第 ${lineNo} 行哈希链校验失败:${read.problem}。请勿手工修改台账;如已损坏,请从备份恢复`,
          'LEDGER_CORRUPT',
        );
      const event = read.event;
      if (prev && (event.prevHash !== prev.hash || event.seq !== prev.seq + 1)) {
        throw new StoreError(
          `台账文件 ${path} 第 ${lineNo} 行(序号 ${event.seq})的哈希链校验失败:台账可能被篡改`,
          'LEDGER_CORRUPT',
        );
      }
      prev = event;
      events.push(event);
    }
    return events;
  }

  head(): { seq: number; hash: string } {
    return { seq: this.seq, hash: this.hash };
  }

  last(): LedgerEvent | undefined {
    return this.lastEvent;
  }

  append(event: NewLedgerEvent): Promise<LedgerEvent> {
    return this.appendMany([event]).then((events) => events[0]!);
  }

  appendMany(input: readonly NewLedgerEvent[]): Promise<LedgerEvent[]> {
    if (this.failed)
      return Promise.reject(
        new StoreError('台账写入失败过,为保证哈希链完整已停止写入:请检查磁盘后重启服务', 'WRITE_FAILED', {
          cause: this.failed,
        }),
      );
    let parsed: NewLedgerEvent[];
    try {
      parsed = input.map((e) => NewLedgerEvent.parse(e));
    } catch (error) {
      return Promise.reject(error);
    }
    const at = this.options.clock().toISOString();
    const events = parsed.map((e) => {
      this.seq += 1;
      const body: Omit<LedgerEvent, 'hash'> = { id: `e${this.seq}`, seq: this.seq, at, prevHash: this.hash, ...e };
      const event: LedgerEvent = { ...body, hash: eventHash(body) };
      this.hash = event.hash;
      this.lastEvent = event;
      return event;
    });
    const written = Promise.all(
      events.map(
        (event) =>
          new Promise<void>((resolve, reject) =>
            this.pending.push({ seq: event.seq, line: `${JSON.stringify(event)}\n`, resolve, reject }),
          ),
      ),
    );
    this.flushing ??= this.flush();
    return written.then(() => {
      notify(this.listeners, events);
      return events;
    });
  }

  /**
   * Appends events whose numbers and hashes were given by a store transaction (they must continue
   * this ledger's head); resolves once they are durable.
   */
  appendPrepared(events: readonly LedgerEvent[]): Promise<void> {
    if (this.failed)
      return Promise.reject(new StoreError('台账写入失败过,需先恢复', 'WRITE_FAILED', { cause: this.failed }));
    if (events.length === 0) return Promise.resolve();
    if (events[0]!.seq !== this.seq + 1 || events[0]!.prevHash !== this.hash) {
      return Promise.reject(
        new StoreError(`台账接续错误:台账到第 ${this.seq} 条,要追加的从第 ${events[0]!.seq} 条开始`, 'LEDGER_CORRUPT'),
      );
    }
    for (const event of events) {
      this.seq = event.seq;
      this.hash = event.hash;
      this.lastEvent = event;
    }
    const written = Promise.all(
      events.map(
        (event) =>
          new Promise<void>((resolve, reject) =>
            this.pending.push({ seq: event.seq, line: `${JSON.stringify(event)}\n`, resolve, reject }),
          ),
      ),
    );
    this.flushing ??= this.flush();
    return written.then(() => notify(this.listeners, events));
  }

  /** After a failed write: reopen from what the disk holds (a torn tail is cut off) and accept appends again. */
  async recover(): Promise<void> {
    await this.flushing;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    this.failed = undefined;
    this.seq = 0;
    this.durableSeq = 0;
    this.hash = GENESIS_HASH;
    this.lastEvent = undefined;
    await this.load();
  }

  private readonly listeners = new Set<(events: readonly LedgerEvent[]) => void>();

  subscribe(listener: (events: readonly LedgerEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 && !this.failed) {
      const batch = this.pending.splice(0);
      try {
        const data = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
        let offset = 0;
        while (offset < data.length) offset += (await this.handle!.write(data, offset)).bytesWritten;
        await this.handle!.datasync();
        this.segmentBytes += data.length;
        this.durableSeq = batch.at(-1)!.seq;
        for (const p of batch) p.resolve();
        if (this.segmentBytes >= this.maxSegmentBytes) await this.rotate();
      } catch (error) {
        this.failed = error;
        for (const p of [...batch, ...this.pending.splice(0)]) p.reject(error);
      }
    }
    this.flushing = undefined;
  }

  private async rotate(): Promise<void> {
    await this.handle!.close();
    this.handle = await open(join(this.dir, segmentName(this.seq + 1)), 'a');
    this.segmentBytes = 0;
    await fsyncDir(this.dir);
  }

  async *read(fromSeq = 1): AsyncIterable<LedgerEvent> {
    const names = await this.segments();
    for (let i = 0; i < names.length; i += 1) {
      const next = names[i + 1];
      if (next && Number(SEGMENT.exec(next)![1]) <= fromSeq) continue;
      const path = join(this.dir, names[i]!);
      if ((await stat(path)).size === 0) continue;
      const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
      const limit = this.durableSeq;
      for await (const line of lines) {
        if (line === '') continue;
        let event: LedgerEvent;
        try {
          event = JSON.parse(line) as LedgerEvent;
        } catch {
          return; // the line being appended right now
        }
        if (event.seq > limit) return;
        if (event.seq >= fromSeq) yield event;
      }
    }
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
}
