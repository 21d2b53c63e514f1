import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { STATE_VERSION } from '../../server/src/model/state.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { freshSchema } from '../helpers/pg.js';
import { calendar, policy } from '../helpers/reminders.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { silentLog } from '../helpers/test-app.js';

const CURRENT = join(import.meta.dirname, '../../server/src/store/pg/migrations');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The next version of the program's migrations: today's, and one more (an additive change, as upgrades must be). */
async function nextVersion(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'duban-migrations-'));
  dirs.push(dir);
  await cp(CURRENT, dir, { recursive: true });
  await writeFile(
    join(dir, '900_next_version.sql'),
    'ALTER TABLE duban_state ADD COLUMN IF NOT EXISTS upgraded_by text;\n',
  );
  return dir;
}

const at = new Date('2018-11-01T09:00:00+08:00');
const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

function schedulerOf(store: Store, channel: FakeChannel, batch: number): Scheduler {
  return new Scheduler({
    store,
    calendar,
    policy,
    clock: { now: () => at },
    log: silentLog,
    dispatcher: new Dispatcher(store, channel, silentLog, { concurrency: 4, batch }),
    publicUrl: 'http://127.0.0.1:3000',
  });
}

async function plannedDays(store: Store): Promise<string[]> {
  const days: string[] = [];
  for await (const e of store.ledger.read()) if (e.type === 'reminders.planned') days.push(e.subject.id);
  return days;
}

describe('a rolling upgrade of two instances on one PostgreSQL database', () => {
  it('the old instance hands over to the new one mid-day: every reminder of the day is sent exactly once, and users keep being served', async () => {
    const url = await freshSchema();
    const clock = { now: at };
    const old = await openPgStore(url, { clock: () => clock.now, log: silentLog });
    await seedStore(old, await loadSeeds(SEEDS_DIR), at);
    // one wire for both instances: what DingTalk received
    const channel = new FakeChannel(() => clock.now);
    const a = schedulerOf(old, channel, 15);
    // the old version plans the day and sends its first batch, then the upgrade begins
    const first = await a.tick(at);
    expect(first.planned?.reminders).toBeGreaterThan(40);
    const sentByOld = channel.notices.length;
    expect(sentByOld).toBeGreaterThan(0);
    const pending = () => old.state.get().outbox.filter((r) => r.status === 'pending').length;
    expect(pending()).toBeGreaterThan(0);

    // the new version starts beside it and migrates the database one step further
    const fresh = await openPgStore(url, {
      clock: () => clock.now,
      log: silentLog,
      migrationsDir: await nextVersion(),
    });
    const b = schedulerOf(fresh, channel, 200);
    expect(await b.tick(later(1))).toMatchObject({ standby: true }); // the old one still holds the lead
    expect(old.health()).toEqual({ status: 'ok' });

    // at its next tick the old one sees the newer database and steps aside, saying so
    clock.now = later(1);
    expect(await a.tick(later(1))).toMatchObject({ standby: true, dispatched: { sent: 0 } });
    expect(old.health()).toMatchObject({ status: 'degraded', code: 'OUTDATED' });
    expect(old.leads!()).toBe(false);

    // an official acts through the old instance meanwhile: the write lands (the change was additive)
    await old.transact((_d, tx) =>
      tx.append({
        type: 'session.signedIn',
        actor: { type: 'person', id: 'p1' },
        subject: { type: 'person', id: 'p1' },
        payload: { how: 'during-upgrade' },
      }),
    );

    // the new one leads from its next tick: it does not plan the day again and sends what is left
    clock.now = later(2);
    const taken = await b.runUntilIdle(later(2));
    expect(taken.standby).toBeUndefined();
    expect(taken.planned).toBeUndefined();
    expect(fresh.leads!()).toBe(true);
    expect(channel.notices.length).toBeGreaterThan(sentByOld);

    const rows = fresh.state.get().outbox.filter((r) => r.kind === 'notice');
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    // exactly once: one digest per person, as many as the day planned
    expect(new Set(channel.notices.map((n) => n.userId)).size).toBe(channel.notices.length);
    expect(channel.notices.length).toBe(rows.length);
    expect(await plannedDays(fresh)).toEqual(['2018-11-01']);
    const signedIn: LedgerEvent[] = [];
    for await (const e of fresh.ledger.read()) if (e.type === 'session.signedIn') signedIn.push(e);
    expect(signedIn.map((e) => (e.payload as { how: string }).how)).toContain('during-upgrade');

    // the old instance, restarted on the new version, runs beside the new one as a standby
    await old.close();
    const upgraded = await openPgStore(url, {
      clock: () => clock.now,
      log: silentLog,
      migrationsDir: await nextVersion(),
    });
    expect(await schedulerOf(upgraded, channel, 200).tick(later(3))).toMatchObject({ standby: true });
    expect(upgraded.health()).toEqual({ status: 'ok' });
    await upgraded.close();
    await fresh.close();
  });

  it('data written by a newer version is refused by an older instance, never misread or overwritten', async () => {
    const url = await freshSchema();
    const old = await openPgStore(url, { clock: () => at, log: silentLog });
    await seedStore(old, await loadSeeds(SEEDS_DIR), at);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    // what a newer version's state migration leaves: the document at a version this program does not know
    await c.query(
      `UPDATE duban_state SET doc = jsonb_set(doc, '{schemaVersion}', to_jsonb($1::int)), version = nextval('duban_state_versions') WHERE id = 1`,
      [STATE_VERSION + 1],
    );
    const before = (await c.query<{ n: string }>('SELECT count(*) AS n FROM duban_ledger')).rows[0]!.n;
    await expect(
      old.transact((_d, tx) =>
        tx.append({
          type: 'session.signedIn',
          actor: { type: 'person', id: 'p1' },
          subject: { type: 'person', id: 'p1' },
          payload: { how: 'old-version' },
        }),
      ),
    ).rejects.toMatchObject({ code: 'STORE_UPGRADING' });
    expect((await c.query<{ n: string }>('SELECT count(*) AS n FROM duban_ledger')).rows[0]!.n).toBe(before);
    await c.end();
    // a second start of the old version refuses to open it at all, with the reason
    await expect(openPgStore(url, { clock: () => at, log: silentLog })).rejects.toMatchObject({ code: 'SCHEMA_NEWER' });
    await old.close();
  });
});
