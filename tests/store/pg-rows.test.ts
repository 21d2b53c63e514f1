import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { ensureObligations } from '../../server/src/domain/obligations/obligation-book.js';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { noticeInDraft } from '../../server/src/domain/notices/notices.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import type { OutboxRow } from '../../server/src/model/outbox-row.js';
import { claimOutboxRows } from '../../server/src/store/pg/state-rows.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { silentLog } from '../helpers/test-app.js';
import type { State } from '../../server/src/model/state.js';
import { freshSchema } from '../helpers/pg.js';
import { SEEDS_DIR } from '../helpers/seeds.js';

const at = new Date('2019-03-18T09:00:00+08:00');
const rules = { calendar: new WorkCalendar(), policy: DEFAULT_POLICY };
const signIn = {
  type: 'session.signedIn' as const,
  actor: { type: 'person' as const, id: 'p1' },
  subject: { type: 'person', id: 'p1' },
  payload: { how: 'test' },
};

/** A 催办 to one contact (p-fsjd-c), keyed `notice:${prefix}:${n}`. */
const urge = (prefix: string, n: number, date = '2019-03-18') => ({
  key: `notice:${prefix}:${n}`,
  personId: 'p-fsjd-c',
  userId: 'dt-fsjd-c',
  kind: 'urge' as const,
  message: { kind: 'text' as const, text: `催办 ${n}` },
  tasks: [],
  obligations: [],
  date,
});

/** A state as committed (the events still on their way to the ledger aside). */
const settled = (s: State): State => ({ ...s, ledger: { ...s.ledger, unflushed: [] } });

type ListRow = { year: string; plan_id: string; version: string; n: number };
async function lists(c: pg.Client): Promise<ListRow[]> {
  return (
    await c.query<ListRow>(
      'SELECT year, plan_id, version, jsonb_array_length(records) AS n FROM duban_obligations ORDER BY year, plan_id',
    )
  ).rows;
}

/** Each member's row and its version. */
async function parts(c: pg.Client): Promise<Record<string, number>> {
  const rows = (await c.query<{ key: string; version: string }>('SELECT key, version FROM duban_state_parts')).rows;
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.version)]));
}

/** A seeded deployment on PostgreSQL with its 2018 and 2019 obligations stored, and a client to look at its tables. */
async function deployment() {
  const url = await freshSchema();
  const store = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
  await seedStore(store, await loadSeeds(SEEDS_DIR), new Date('2018-11-01T09:00:00+08:00'));
  await ensureObligations(store, rules, at);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return { url, store, c };
}

describe('PostgreSQL: the state as rows, a row per member and per year and plan of obligations', () => {
  it('a fulfilment rewrites only its own list and what it changed; another instance reads the same state', async () => {
    const { url, store, c } = await deployment();
    const before = await lists(c);
    expect(before.map((r) => r.year)).toEqual(['2018', '2019']);
    const total = storedObligations(store.state.get()).length;
    expect(before.reduce((a, r) => a + r.n, 0)).toBe(total);
    const doc = (await c.query<{ doc: { obligations: unknown } }>('SELECT doc FROM duban_state')).rows[0]!.doc;
    expect(doc.obligations).toEqual({
      2018: { [before[0]!.plan_id]: Number(before[0]!.version) },
      2019: { [before[1]!.plan_id]: Number(before[1]!.version) },
    });
    const partsBefore = await parts(c);
    expect(Object.keys(partsBefore)).toEqual(expect.arrayContaining(['assignments', 'ledger', 'people', 'tasks']));

    const id = storedObligations(store.state.get()).find((o) => o.year === 2019 && o.status === 'open')!.id;
    await store.transact((draft, tx) => {
      Object.assign(findObligation(draft, id)!, { status: 'fulfilled', doneAt: at.toISOString(), action: 'test' });
      tx.append(signIn);
    });
    const after = await lists(c);
    expect(after[0]).toEqual(before[0]); // 2018's list was not written again
    // of the other members, the ledger position changed (and what the event touched); the plan's did not
    const partsAfter = await parts(c);
    expect(partsAfter.ledger).toBeGreaterThan(partsBefore.ledger!);
    for (const key of ['assignments', 'people', 'tasks', 'units', 'plans', 'materialised'])
      expect(partsAfter[key], key).toBe(partsBefore[key]);
    expect(Number(after[1]!.version)).toBeGreaterThan(Number(before[1]!.version));

    const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    expect(findObligation(other.state.get(), id)?.status).toBe('fulfilled');
    expect(settled(other.state.get())).toEqual(settled(store.state.get()));
    // and follows later writes: only the changed list is fetched again, the others stay the very same
    // arrays — a list changed by a write that appended nothing is fetched with the next write that did
    const kept = other.state.get().obligations['2018']![before[0]!.plan_id];
    const next = storedObligations(store.state.get()).find((o) => o.year === 2019 && o.status === 'open')!.id;
    await store.transact((draft) => {
      Object.assign(findObligation(draft, next)!, { status: 'fulfilled', doneAt: at.toISOString(), action: 'test' });
    });
    await store.transact((_d, tx) => tx.append(signIn));
    await expect.poll(() => other.state.get().ledger.seq, { timeout: 10_000 }).toBe(store.state.get().ledger.seq);
    expect(findObligation(other.state.get(), next)?.status).toBe('fulfilled');
    expect(other.state.get().obligations['2018']![before[0]!.plan_id]).toBe(kept);
    expect(settled(other.state.get())).toEqual(settled(store.state.get()));
    await Promise.all([store.close(), other.close(), c.end()]);
  });

  it('a document written before the rows (the state inline) opens with the same state, and its next write moves it to rows', async () => {
    const { url, store, c } = await deployment();
    const state = store.state.get();
    await store.close();
    await c.query('DELETE FROM duban_obligations');
    await c.query('DELETE FROM duban_state_parts');
    // a row the inline document does not have (left by an earlier write): never read as the outbox's
    await c.query(
      "INSERT INTO duban_outbox (key, ord, value, version, status) VALUES ('phantom', 1, '{}', 1, 'pending')",
    );
    await c.query('UPDATE duban_state SET doc = $1', [
      JSON.stringify({ ...state, ledger: { ...state.ledger, unflushed: [] } }),
    ]);
    const reopened = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    expect(settled(reopened.state.get())).toEqual(settled(state));
    expect(await lists(c)).toEqual([]);
    expect(await parts(c)).toEqual({});
    const id = storedObligations(state).find((o) => o.status === 'open')!.id;
    await reopened.transact((draft) => {
      Object.assign(findObligation(draft, id)!, { status: 'fulfilled', doneAt: at.toISOString(), action: 'test' });
    });
    expect((await lists(c)).reduce((a, r) => a + r.n, 0)).toBe(storedObligations(state).length);
    expect(Object.keys(await parts(c))).toEqual(expect.arrayContaining(['assignments', 'ledger', 'people']));
    expect(Object.keys(await parts(c))).not.toContain('outbox'); // a row per message (duban_outbox)
    expect((await c.query("SELECT key FROM duban_outbox WHERE key = 'phantom'")).rows).toEqual([]);
    const third = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    expect(settled(third.state.get())).toEqual(settled(reopened.state.get()));
    await Promise.all([reopened.close(), third.close(), c.end()]);
  });

  it('two instances changing the same member at once without events both keep their change (a write is conditional on the state version, not the ledger seq)', async () => {
    const { url, store, c } = await deployment();
    const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    const context = (at: Date) => ({ at: at.toISOString(), pending: [] });
    // a bot conversation on each instance (no ledger event): both computed on the same state
    await Promise.all([
      store.transact((d) => void (d.botContext['p-a'] = context(at))),
      other.transact((d) => void (d.botContext['p-b'] = context(at))),
    ]);
    const reader = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    expect(Object.keys(reader.state.get().botContext).sort()).toEqual(['p-a', 'p-b']);
    // the instance that lost the race computed its change again on the winner's state
    await expect
      .poll(() => Object.keys(store.state.get().botContext).sort(), { timeout: 10_000 })
      .toEqual(['p-a', 'p-b']);
    await expect
      .poll(() => Object.keys(other.state.get().botContext).sort(), { timeout: 10_000 })
      .toEqual(['p-a', 'p-b']);
    await Promise.all([store.close(), other.close(), reader.close(), c.end()]);
  });

  it('the outbox is a row per message, in its order: a claim rewrites only the rows it claims, and another instance follows', async () => {
    const { url, store, c } = await deployment();
    const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    const notice = (n: number) => urge('test', n);
    await store.transact((draft, tx) => {
      for (let n = 0; n < 5; n += 1) noticeInDraft(draft, notice(n), at);
      tx.append(signIn);
    });
    type OutboxLine = { key: string; ord: string; version: string; status: string; locked_by: string | null };
    const table = async () =>
      (
        await c.query<OutboxLine>(
          'SELECT key, ord, version, status, locked_by FROM duban_outbox WHERE key LIKE $1 ORDER BY ord',
          ['notice:test:%'],
        )
      ).rows;
    const before = await table();
    expect(before.map((r) => [r.key, r.status])).toEqual([0, 1, 2, 3, 4].map((n) => [`notice:test:${n}`, 'pending']));
    // a claim of two rows, and the first one gone (pruned): the other rows are not written again
    await store.transact((draft, tx) => {
      for (const r of draft.outbox)
        if (r.key === 'notice:test:2' || r.key === 'notice:test:3')
          Object.assign(r, { status: 'claimed', lockedBy: 'me', lockedAt: at.toISOString() });
      draft.outbox = draft.outbox.filter((r) => r.key !== 'notice:test:0');
      tx.append(signIn);
    });
    const after = await table();
    expect(after.map((r) => [r.key, r.status, r.locked_by])).toEqual([
      ['notice:test:1', 'pending', null],
      ['notice:test:2', 'claimed', 'me'],
      ['notice:test:3', 'claimed', 'me'],
      ['notice:test:4', 'pending', null],
    ]);
    expect([after[0], after[3]]).toEqual([before[1], before[4]]);
    expect(Number(after[1]!.version)).toBeGreaterThan(Number(before[2]!.version));
    await expect.poll(() => other.state.get().ledger.seq, { timeout: 10_000 }).toBe(store.state.get().ledger.seq);
    expect(other.state.get().outbox).toEqual(store.state.get().outbox);
    // a row put back anywhere but the end keeps the state's order in the table too
    await store.transact((draft, tx) => {
      draft.outbox.unshift(draft.outbox.at(-1)!);
      draft.outbox.pop();
      tx.append(signIn);
    });
    expect((await table()).map((r) => r.key)).toEqual(
      store.state
        .get()
        .outbox.map((r) => r.key)
        .filter((k) => k.startsWith('notice:test:')),
    );
    const third = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    expect(third.state.get().outbox).toEqual(store.state.get().outbox);
    await Promise.all([store.close(), other.close(), third.close(), c.end()]);
  });

  it('claims skip the rows another claimant holds (FOR UPDATE SKIP LOCKED) without the state lock; a write computed before a claim that changes a claimed row is computed again', async () => {
    const { url, store, c } = await deployment();
    const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    const notice = (n: number, date?: string) => urge('claim', n, date);
    await store.transact((draft, tx) => {
      draft.outbox = draft.outbox.filter((r) => r.status !== 'pending'); // only this test's rows are due
      for (let n = 0; n < 8; n += 1) noticeInDraft(draft, notice(n, n === 4 ? '2019-03-15' : '2019-03-18'), at);
      noticeInDraft(draft, notice(8), at);
      draft.outbox.at(-1)!.runAt = new Date(at.getTime() + 3600_000).toISOString(); // not due yet
      tx.append(signIn);
    });
    await expect.poll(() => other.state.get().outbox.length, { timeout: 10_000 }).toBe(store.state.get().outbox.length);
    const claim = (by: string) => (due: OutboxRow[]) => {
      for (const r of due)
        Object.assign(
          r,
          r.key === 'notice:claim:4'
            ? { status: 'expired' }
            : { status: 'claimed', lockedBy: by, lockedAt: at.toISOString() },
        );
    };
    const keys = (rows: OutboxRow[]) => rows.map((r) => [r.key.slice(13), r.status]);
    // another claimant holds row 0 (its claim not committed yet): this one neither waits nor takes it
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT key FROM duban_outbox WHERE key = 'notice:claim:0' FOR UPDATE");
    // and while a writer holds the state's lock, a claim goes on all the same
    const stateLock = new pg.Client({ connectionString: url });
    await stateLock.connect();
    await stateLock.query('BEGIN');
    await stateLock.query('SELECT version FROM duban_state WHERE id = 1 FOR UPDATE');
    const a = await store.claimOutbox!({ now: at, batch: 3, claim: claim('A') });
    expect(keys(a)).toEqual([
      ['1', 'claimed'],
      ['2', 'claimed'],
      ['3', 'claimed'],
    ]);
    await stateLock.query('ROLLBACK');
    await stateLock.end();
    // the claiming instance shows its claims at once
    expect(
      store.state
        .get()
        .outbox.filter((r) => r.lockedBy === 'A')
        .map((r) => r.key.slice(13)),
    ).toEqual(['1', '2', '3']);
    const [b, a2] = await Promise.all([
      other.claimOutbox!({ now: at, batch: 2, claim: claim('B') }),
      store.claimOutbox!({ now: at, batch: 2, claim: claim('A') }),
    ]);
    // two at once take disjoint rows; the earlier day's notice expires; row 8 is not due
    expect([...keys(b), ...keys(a2)].sort()).toEqual([
      ['4', 'expired'],
      ['5', 'claimed'],
      ['6', 'claimed'],
      ['7', 'claimed'],
    ]);
    await holder.query('ROLLBACK');
    await holder.end();
    expect(keys(await other.claimOutbox!({ now: at, batch: 5, claim: claim('B') }))).toEqual([['0', 'claimed']]);
    expect(await other.claimOutbox!({ now: at, batch: 5, claim: claim('B') })).toEqual([]);
    const table = (
      await c.query<{ key: string; status: string; locked_by: string | null }>(
        "SELECT key, status, locked_by FROM duban_outbox WHERE key LIKE 'notice:claim:%' ORDER BY ord",
      )
    ).rows;
    expect(table.map((r) => r.status)).toEqual([
      'claimed',
      'claimed',
      'claimed',
      'claimed',
      'expired',
      'claimed',
      'claimed',
      'claimed',
      'pending',
    ]);
    // a claim this instance has not read yet (its notification taken for its own): a write computed
    // without it that would withdraw the row is refused, and computed again on the claim
    await store.transact((draft, tx) => {
      draft.outbox.find((r) => r.key === 'notice:claim:8')!.runAt = at.toISOString();
      tx.append(signIn);
    });
    await expect.poll(() => other.state.get().ledger.seq, { timeout: 10_000 }).toBe(store.state.get().ledger.seq);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    await claimOutboxRows(pool, { now: at, batch: 5, claim: claim('C'), notify: other.instance!.id });
    await pool.end();
    expect(other.state.get().outbox.find((r) => r.key === 'notice:claim:8')!.status).toBe('pending');
    const withdrawn = await other.transact((draft) => {
      const before = draft.outbox.length;
      draft.outbox = draft.outbox.filter((r) => !(r.key === 'notice:claim:8' && r.status === 'pending'));
      return before - draft.outbox.length;
    });
    expect(withdrawn.result).toBe(0);
    expect(other.state.get().outbox.find((r) => r.key === 'notice:claim:8')).toMatchObject({
      status: 'claimed',
      lockedBy: 'C',
    });
    expect((await c.query("SELECT locked_by FROM duban_outbox WHERE key = 'notice:claim:8'")).rows[0]).toEqual({
      locked_by: 'C',
    });
    await Promise.all([store.close(), other.close(), c.end()]);
  });

  it('two dispatchers on two instances at once send every due message exactly once', async () => {
    const { url, store, c } = await deployment();
    const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    await store.transact((draft, tx) => {
      draft.outbox = draft.outbox.filter((r) => r.status !== 'pending');
      for (let n = 0; n < 60; n += 1) noticeInDraft(draft, urge('both', n), at);
      tx.append(signIn);
    });
    await expect.poll(() => other.state.get().outbox.length, { timeout: 10_000 }).toBe(store.state.get().outbox.length);
    const [ca, cb] = [new FakeChannel(() => at), new FakeChannel(() => at)];
    const options = { batch: 7, concurrency: 3, recordEvery: 4 };
    const [da, db] = [new Dispatcher(store, ca, silentLog, options), new Dispatcher(other, cb, silentLog, options)];
    for (let pass = 0; pass < 20; pass += 1) await Promise.all([da.runOnce(at), db.runOnce(at)]);
    const texts = [...ca.notices, ...cb.notices].map((n) => (n.message as { text: string }).text).sort();
    expect(texts).toEqual(Array.from({ length: 60 }, (_, n) => `催办 ${n}`).sort());
    // both sent (neither waited for the rows the other held)
    expect(Math.min(ca.notices.length, cb.notices.length)).toBeGreaterThan(0);
    const statuses = (
      await c.query<{ status: string; n: string }>(
        "SELECT status, count(*) AS n FROM duban_outbox WHERE key LIKE 'notice:both:%' GROUP BY status",
      )
    ).rows;
    expect(statuses).toEqual([{ status: 'sent', n: '60' }]);
    await Promise.all([store.close(), other.close(), c.end()]);
  });
});
