import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent, NewLedgerEvent } from '../../server/src/model/ledger.js';
import { StoreError } from '../../server/src/store/errors.js';
import { eventHash, GENESIS_HASH } from '../../server/src/store/ledger/event-hash.js';
import { JsonlLedger } from '../../server/src/store/ledger/jsonl-ledger.js';
import { fixedClock } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';

const ev = (i: number): NewLedgerEvent => ({
  type: 'test.written',
  actor: { type: 'system' },
  subject: { type: 'test', id: String(i) },
  payload: { i, text: '进展' },
});
const all = async (l: JsonlLedger, from?: number) => {
  const out: LedgerEvent[] = [];
  for await (const e of l.read(from)) out.push(e);
  return out;
};

describe('the JSONL ledger', () => {
  it('numbers events, chains their hashes from the first one, and reads them back in order', async () => {
    const dir = tempDir();
    const clock = fixedClock('2019-05-06T09:00:00+08:00');
    const ledger = await JsonlLedger.open(dir, { clock: clock.now });
    const [first, second] = await ledger.appendMany([ev(1), ev(2)]);
    expect(first).toMatchObject({
      id: 'e1',
      seq: 1,
      at: '2019-05-06T01:00:00.000Z',
      prevHash: GENESIS_HASH,
      type: 'test.written',
    });
    expect(second!.prevHash).toBe(first!.hash);
    const { hash, ...rest } = first!;
    expect(eventHash(rest)).toBe(hash);
    expect((await all(ledger)).map((e) => e.seq)).toEqual([1, 2]);
    await ledger.close();
  });

  it('commits concurrent appends in groups, and every one is durable when its promise resolves', async () => {
    const dir = tempDir();
    const ledger = await JsonlLedger.open(dir, { clock: fixedClock().now });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => ledger.append(ev(i))));
    expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const lines = readFileSync(join(dir, '000000000001.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(200);
    await ledger.close();
  });

  it('continues the chain after reopening and across segments', async () => {
    const dir = tempDir();
    let ledger = await JsonlLedger.open(dir, { clock: fixedClock().now, maxSegmentBytes: 2000 });
    for (let i = 0; i < 30; i += 1) await ledger.append(ev(i));
    await ledger.close();
    expect(readdirSync(dir).length).toBeGreaterThan(3);
    ledger = await JsonlLedger.open(dir, { clock: fixedClock().now, maxSegmentBytes: 2000 });
    expect(ledger.head().seq).toBe(30);
    const next = await ledger.append(ev(30));
    const events = await all(ledger);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(next.prevHash).toBe(events[29]!.hash);
    expect((await all(ledger, 25)).map((e) => e.seq)).toEqual([25, 26, 27, 28, 29, 30, 31]);
    await ledger.close();
  });

  it('cuts off a torn last line (an append that never completed) and says so', async () => {
    const dir = tempDir();
    let ledger = await JsonlLedger.open(dir, { clock: fixedClock().now });
    await ledger.appendMany([ev(1), ev(2)]);
    await ledger.close();
    appendFileSync(join(dir, '000000000001.jsonl'), '{"id":"e3","seq":3,"at":"2019');
    const repairs: string[] = [];
    ledger = await JsonlLedger.open(dir, { clock: fixedClock().now, onRepair: (m) => repairs.push(m) });
    expect(ledger.head().seq).toBe(2);
    expect(repairs[0]).toContain('未写完');
    expect((await ledger.append(ev(3))).seq).toBe(3);
    expect((await all(ledger)).map((e) => e.seq)).toEqual([1, 2, 3]);
    await ledger.close();
  });

  it('refuses to open a ledger whose history was edited', async () => {
    const dir = tempDir();
    const ledger = await JsonlLedger.open(dir, { clock: fixedClock().now });
    await ledger.appendMany([ev(1), ev(2), ev(3)]);
    await ledger.close();
    const file = join(dir, '000000000001.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"i":2', '"i":20'));
    const error = await JsonlLedger.open(dir, { clock: fixedClock().now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('LEDGER_CORRUPT');
    expect((error as StoreError).message).toMatch(/第 2 行.*哈希链校验失败/);
  });

  it('rejects an event that does not fit the envelope, and writes nothing', async () => {
    const dir = tempDir();
    const ledger = await JsonlLedger.open(dir, { clock: fixedClock().now });
    await expect(ledger.append({ ...ev(1), type: 'Bad Type' })).rejects.toThrow();
    expect(ledger.head().seq).toBe(0);
    await ledger.close();
  });
});
