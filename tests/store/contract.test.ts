import type { AppendEvent } from '../../server/src/model/ledger-events.js';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH } from '../../server/src/store/ledger/event-hash.js';
import { openStore } from '../../server/src/store/open-store.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { tempDir } from '../helpers/temp-dir.js';
import { freshSchema } from '../helpers/pg.js';

const clock = () => new Date('2019-03-01T01:00:00Z');

/** Where a store lives, and how to open it there (again). */
interface Place {
  open(): Promise<Store>;
}

const ADAPTERS: Array<[string, () => Promise<Place>]> = [
  [
    'embedded (lowdb + JSONL)',
    async () => {
      const dir = tempDir();
      return { open: () => openStore(dir, { clock }) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await freshSchema();
      return { open: () => openPgStore(url, { clock }) };
    },
  ],
];

const signIn = (how: string) => ({
  type: 'session.signedIn' as const,
  actor: { type: 'person' as const, id: 'p1' },
  subject: { type: 'person', id: 'p1' },
  payload: { how },
});

/** An event past the compiler's check, to see the store's own check at run time refuse it. */
const unchecked = (e: object) => e as AppendEvent;

/** Every event continues the one before it, from the genesis hash. */
async function chainOf(store: Store): Promise<number[]> {
  let prev = GENESIS_HASH;
  const seqs: number[] = [];
  for await (const e of store.ledger.read()) {
    const { hash, ...rest } = e;
    expect(e.prevHash).toBe(prev);
    expect(eventHash(rest)).toBe(hash);
    prev = hash;
    seqs.push(e.seq);
  }
  return seqs;
}

describe.each(ADAPTERS)('the store contract: %s', (_name, make) => {
  it('a first open is empty; a transaction changes the state and appends its events together; a reopen sees both', async () => {
    const place = await make();
    const store = await place.open();
    expect(store.created).toBe(true);
    expect(store.ledger.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    const seen: number[] = [];
    store.ledger.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    const { result, events } = await store.transact((draft, tx) => {
      draft.scheduler.lastPlannedDate = '2019-03-01';
      return [tx.append(signIn('a')), tx.append(signIn('b'))];
    });
    expect(result).toEqual([1, 2]);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(store.state.get().scheduler.lastPlannedDate).toBe('2019-03-01');
    expect(store.state.get().ledger).toMatchObject({ seq: 2, hash: events[1]!.hash });
    expect(store.ledger.head()).toEqual({ seq: 2, hash: events[1]!.hash });
    expect(store.ledger.last()).toMatchObject({ seq: 2, payload: { how: 'b' } });
    expect(seen).toEqual([1, 2]);
    await store.close();

    const again = await place.open();
    expect(again.created).toBe(false);
    expect(again.state.get().scheduler.lastPlannedDate).toBe('2019-03-01');
    expect(again.ledger.head()).toEqual({ seq: 2, hash: events[1]!.hash });
    expect(await chainOf(again)).toEqual([1, 2]);
    const from2: number[] = [];
    for await (const e of again.ledger.read(2)) from2.push(e.seq);
    expect(from2).toEqual([2]);
    await again.close();
  });

  it('a throwing transaction or a malformed event changes nothing', async () => {
    const store = await (await make()).open();
    await store.transact((_d, tx) => tx.append(signIn('ok')));
    await expect(
      store.transact((draft, tx) => {
        draft.scheduler.lastPlannedDate = '2030-01-01';
        tx.append(signIn('lost'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      store.transact((_d, tx) => tx.append(unchecked({ ...signIn('x'), type: 'no.suchType' }))),
    ).rejects.toThrow(/没有登记/);
    await expect(
      store.transact((_d, tx) => tx.append(unchecked({ ...signIn('x'), payload: { how: 1 } }))),
    ).rejects.toThrow(/载荷/);
    expect(store.state.get().scheduler.lastPlannedDate).toBeNull();
    expect(await chainOf(store)).toEqual([1]);
    await store.close();
  });

  it('concurrent transactions are serialised: each decides on the one before, the chain is unbroken', async () => {
    const store = await (await make()).open();
    // 20 at once, each counting what it sees: no two see the same count, none is lost
    const seen = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transact((draft, tx) => {
          const n = Object.keys(draft.lastReports).length;
          draft.lastReports[`a${n}`] = { seq: tx.append(signIn(`n${n}`)), at: tx.at.toISOString(), text: String(n) };
          return n;
        }),
      ),
    );
    expect(seen.map((s) => s.result).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await chainOf(store)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await store.close();
  });
});

describe('PostgreSQL: two instances on one database', () => {
  it("a write from an instance that has not seen the other's is computed again on it: no fork, no lost update", async () => {
    const url = await freshSchema();
    const a = await openPgStore(url, { clock, pollMs: 60_000 });
    await a.transact((draft, tx) => {
      draft.scheduler.lastPlannedDate = '2019-03-01';
      tx.append(signIn('a1'));
    });
    const b = await openPgStore(url, { clock, pollMs: 60_000 });
    expect(b.created).toBe(false);
    expect(b.state.get().scheduler.lastPlannedDate).toBe('2019-03-01');
    await a.transact((draft, tx) => {
      draft.directory.note = 'a2';
      tx.append(signIn('a2'));
    });
    // b may not have seen a2 yet: its write is refused by the database, b reloads and decides again on a2
    const seen = await b.transact((draft, tx) => {
      tx.append(signIn('b1'));
      draft.scheduler.lastPlannedDate = '2019-03-02';
      return draft.directory.note;
    });
    expect(seen.result).toBe('a2');
    expect(seen.events.map((e) => e.seq)).toEqual([3]);
    expect(await chainOf(b)).toEqual([1, 2, 3]);
    // and a hears of b's write (a notification), its readers too
    await expect.poll(() => a.state.get().scheduler.lastPlannedDate, { timeout: 15_000 }).toBe('2019-03-02');
    expect(a.ledger.head().seq).toBe(3);
    await a.close();
    await b.close();
    const c = await openPgStore(url, { clock });
    expect(c.state.get()).toMatchObject({ scheduler: { lastPlannedDate: '2019-03-02' }, directory: { note: 'a2' } });
    expect(await chainOf(c)).toEqual([1, 2, 3]);
    await c.close();
  });

  it('two instances writing at once: every transaction commits once, on the latest state, in one unbroken chain', async () => {
    const url = await freshSchema();
    const a = await openPgStore(url, { clock, pollMs: 60_000 });
    const b = await openPgStore(url, { clock, pollMs: 60_000 });
    const bump = (s: Store, who: string) =>
      s.transact((draft, tx) => {
        const n = Number(draft.directory.note ?? '0') + 1;
        draft.directory.note = String(n);
        tx.append(signIn(`${who}${n}`));
        return n;
      });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? a : b, i % 2 ? 'a' : 'b')));
    expect(results.map((r) => r.result).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await a.close();
    await b.close();
    const c = await openPgStore(url, { clock });
    expect(c.state.get().directory.note).toBe('20');
    expect(await chainOf(c)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await c.close();
  });

  it('a burst from both instances (8 writers each, 300 transactions) commits every one: no writer starves', async () => {
    const url = await freshSchema();
    const a = await openPgStore(url, { clock, pollMs: 60_000 });
    const b = await openPgStore(url, { clock, pollMs: 60_000 });
    let next = 0;
    const writer = async (s: Store) => {
      while (next < 300) {
        const i = (next += 1);
        await s.transact((draft, tx) => {
          draft.directory.note = String(i);
          tx.append(signIn(`w${i}`));
        });
      }
    };
    await Promise.all([a, b].flatMap((s) => Array.from({ length: 8 }, () => writer(s))));
    await a.close();
    await b.close();
    const c = await openPgStore(url, { clock });
    expect(await chainOf(c)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await c.close();
  });

  it('the same action through both at once, making byte-identical events, records once and refuses neither', async () => {
    const url = await freshSchema();
    const a = await openPgStore(url, { clock, pollMs: 60_000 });
    const b = await openPgStore(url, { clock, pollMs: 60_000 });
    // as a 签收 sent through two instances: decided on the state, the same event (same clock, actor, payload)
    const once = (s: Store, round: number) =>
      s.transact((draft, tx) => {
        if (draft.directory.note === String(round)) return 'already';
        draft.directory.note = String(round);
        tx.append(signIn(`round${round}`));
        return 'done';
      });
    for (let round = 1; round <= 30; round += 1) {
      const results = await Promise.all([once(a, round), once(b, round)]);
      expect(results.map((r) => r.result).sort(), `round ${round}`).toEqual(['already', 'done']);
    }
    expect(await chainOf(a)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await a.close();
    await b.close();
  });

  it('migrations run once, recorded in a version table', async () => {
    const url = await freshSchema();
    (await openPgStore(url, { clock })).close();
    const s = await openPgStore(url, { clock });
    await s.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const rows = (
      await c.query<{ version: number; name: string }>('SELECT version, name FROM duban_migrations ORDER BY version')
    ).rows;
    await c.end();
    expect(rows).toEqual([
      { version: 1, name: '001_init.sql' },
      { version: 2, name: '002_instances.sql' },
      { version: 3, name: '003_state_rows.sql' },
      { version: 4, name: '004_write_version.sql' },
      { version: 5, name: '005_requests.sql' },
      { version: 6, name: '006_evidence.sql' },
    ]);
  });

  it('one instance leads the scheduling (an advisory lock), another takes over when it stops; a key is claimed once across instances', async () => {
    const url = await freshSchema();
    const a = await openPgStore(url, { clock });
    const b = await openPgStore(url, { clock });
    expect(await a.lead!()).toBe(true);
    expect(await b.lead!()).toBe(false);
    expect(await a.lead!()).toBe(true);
    expect(await a.claimOnce!('bot:m1')).toBe(true);
    expect(await b.claimOnce!('bot:m1')).toBe(false);
    expect(await b.claimOnce!('bot:m2')).toBe(true);
    await a.close();
    expect(await b.lead!()).toBe(true);
    await b.close();
  });
});
