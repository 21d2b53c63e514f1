import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { ensureObligations } from '../../server/src/domain/obligations/obligation-book.js';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { DEFAULT_POLICY } from '../../server/src/domain/reminders/policy.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { noticeInDraft } from '../../server/src/outbox/outbox.js';
import type { State } from '../../server/src/store/state.js';
import { freshSchema } from '../helpers/pg.js';
import { SEEDS_DIR } from '../helpers/seeds.js';

const at = new Date('2019-03-18T09:00:00+08:00');
const rules = { calendar: new WorkCalendar(), policy: DEFAULT_POLICY };
const signIn = {
  type: 'session.signedIn',
  actor: { type: 'person' as const, id: 'p1' },
  subject: { type: 'person', id: 'p1' },
  payload: { how: 'test' },
};

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

  it('the outbox is a row per message, in its order: a claim rewrites only the rows it claims, and another instance follows', async () => {
    const { url, store, c } = await deployment();
    const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
    const notice = (n: number) => ({
      key: `notice:test:${n}`,
      personId: 'p-fsjd-c',
      userId: 'dt-fsjd-c',
      kind: 'urge' as const,
      message: { kind: 'text' as const, text: `催办 ${n}` },
      tasks: [],
      obligations: [],
      date: '2019-03-18',
    });
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
});
