/**
 * PostgreSQL figures (#16), side by side in one run: ledger appends per second on the embedded
 * store and on PostgreSQL with one and two instances (each append its own transaction: state and
 * event committed together), and the outbox's throughput with two instances on one database
 * against the emulator capped at 20 QPS (one instance leads and sends, the other stands by).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildEmulator } from '../emulator/src/app.js';
import { orgFromSeeds } from '../emulator/src/org.js';
import { WorkCalendar } from '../server/src/calendar/work-calendar.js';
import { DingTalkChannel } from '../server/src/channels/dingtalk/dingtalk-channel.js';
import { DEFAULT_POLICY } from '../server/src/domain/policy/policy.js';
import { Dispatcher } from '../server/src/outbox/dispatcher.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { Scheduler } from '../server/src/scheduler/scheduler.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { openStore } from '../server/src/store/open-store.js';
import { openPgStore } from '../server/src/store/pg/pg-store.js';
import type { Store } from '../server/src/store/ports.js';

const PG_URL = process.env.DUBAN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

/** `n` transactions of one event each, `writers` at a time per store; appends per second over all stores. */
export async function appends(stores: Store[], n: number, writers = 8): Promise<number> {
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    stores.flatMap((store) =>
      Array.from({ length: writers }, async () => {
        while (next < n) {
          const i = (next += 1);
          await store.transact((draft, tx) => {
            draft.directory.note = String(i);
            tx.append({
              type: 'session.signedIn',
              actor: { type: 'person', id: 'p1' },
              subject: { type: 'person', id: 'p1' },
              payload: { how: `bench${i}` },
            });
          });
        }
      }),
    ),
  );
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

export async function benchPg(quick = false): Promise<void> {
  const n = quick ? 500 : 2000;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`\n## PostgreSQL\n(not reachable at ${PG_URL}: ${(error as Error).message}; skipped)`);
    return;
  }
  const schemas: string[] = [];
  const fresh = async (): Promise<string> => {
    const schema = `duban_bench_${process.pid}_${schemas.length}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    return `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  };
  const clock = () => new Date();
  try {
    console.log(
      `\n## PostgreSQL (#16)\nLedger appends, one event per transaction, 8 writers per instance, ${n} transactions:`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'duban-bench-appends-'));
    const embedded = await openStore(dir, { clock });
    const e1 = await appends([embedded], n);
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
    const one = await openPgStore(await fresh(), { clock, log: quiet });
    const p1 = await appends([one], n);
    await one.close();
    const url2 = await fresh();
    const a = await openPgStore(url2, { clock, log: quiet });
    const b = await openPgStore(url2, { clock, log: quiet });
    const p2 = await appends([a, b], n);
    await Promise.all([a.close(), b.close()]);
    console.log('| store | instances | appends/s |\n|---|---|---|');
    console.log(`| embedded (lowdb + JSONL) | 1 | ${Math.round(e1)} |`);
    console.log(`| PostgreSQL | 1 | ${Math.round(p1)} |`);
    console.log(`| PostgreSQL | 2 | ${Math.round(p2)} (conflicting writes are recomputed on the winner's state) |`);

    // outbox: two instances, the day's digests and 待办 through the emulator at 20 QPS
    const emu = await buildEmulator(orgFromSeeds('seeds'));
    await emu.app.listen({ port: 0, host: '127.0.0.1' });
    const emuUrl = `http://127.0.0.1:${(emu.app.server.address() as AddressInfo).port}`;
    const app = emu.state.org.apps[0]!;
    const at = new Date('2018-11-01T09:00:00+08:00');
    emu.state.clock.set(at.getTime());
    const url = await fresh();
    const seeded = await openPgStore(url, { clock: () => at, log: quiet });
    await seedStore(seeded, await loadSeeds('seeds'), at);
    await seeded.close();
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const store = await openPgStore(url, { clock: () => at, log: quiet });
        const channel = new DingTalkChannel({ ...app, apiBase: emuUrl, oapiBase: emuUrl, qps: 20 });
        const dispatcher = new Dispatcher(store, channel, quiet, { concurrency: 8 });
        const scheduler = new Scheduler({
          store,
          calendar: new WorkCalendar(),
          policy: DEFAULT_POLICY,
          clock: { now: () => at },
          log: quiet,
          dispatcher,
          publicUrl: 'http://127.0.0.1:3000',
        });
        return { store, scheduler };
      }),
    );
    const t0 = process.hrtime.bigint();
    const results = await Promise.all(instances.map((i) => i.scheduler.runUntilIdle(at, 50)));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const calls = results.reduce((sum, r) => sum + r.dispatched.sent, 0);
    const standby = results.filter((r) => r.standby).length;
    const counters = emu.state.counter(app.appKey);
    console.log(
      `\nOutbox, 2 instances on one database, emulator at 20 QPS per API: ${calls} rows (digests and 待办) sent in ${seconds.toFixed(1)} s → ${(calls / seconds).toFixed(1)} rows/s by the leader (${standby} instance stood by); 90018 answered: ${counters.rateLimited}`,
    );
    for (const i of instances) await i.store.close();

    // the same day sent by two dispatchers side by side (claims FOR UPDATE SKIP LOCKED, each with its
    // own 20 QPS budget): what a second sender would add, and what DingTalk's cap answers
    const sideUrl = await fresh();
    const planner = await openPgStore(sideUrl, { clock: () => at, log: quiet });
    await seedStore(planner, await loadSeeds('seeds'), at);
    const idle = {
      runOnce: async () => ({ sent: 0, retried: 0, failed: 0, expired: 0 }),
      progress: { claimed: 0, done: 0 },
      stop: async () => undefined,
    };
    await new Scheduler({
      store: planner,
      calendar: new WorkCalendar(),
      policy: DEFAULT_POLICY,
      clock: { now: () => at },
      log: quiet,
      dispatcher: idle as unknown as Dispatcher, // plan only
      publicUrl: 'http://127.0.0.1:3000',
    }).tick(at);
    const due = planner.state.get().outbox.filter((r) => r.status === 'pending').length;
    await planner.close();
    const before = emu.state.counter(app.appKey).rateLimited;
    const senders = await Promise.all(
      [0, 1].map(async () => {
        const store = await openPgStore(sideUrl, { clock: () => at, log: quiet });
        const channel = new DingTalkChannel({ ...app, apiBase: emuUrl, oapiBase: emuUrl, qps: 20 });
        // claims of 20 rows: each dispatcher takes its share of the day (one claim of 200 would take it all)
        return { store, dispatcher: new Dispatcher(store, channel, quiet, { concurrency: 8, batch: 20 }) };
      }),
    );
    const t1 = process.hrtime.bigint();
    const passes = await Promise.all(
      senders.map(async ({ dispatcher }) => {
        let sent = 0;
        for (let pass = 0; pass < 50; pass += 1) {
          const r = await dispatcher.runOnce(at);
          sent += r.sent;
          if (r.sent + r.retried + r.failed + r.expired === 0) break;
        }
        return sent;
      }),
    );
    const seconds2 = Number(process.hrtime.bigint() - t1) / 1e9;
    console.log(
      `Outbox, 2 dispatchers side by side (SKIP LOCKED claims of 20 rows, 20 QPS each): ${passes.join(' + ')} of ${due} rows sent in ${seconds2.toFixed(1)} s → ${((passes[0]! + passes[1]!) / seconds2).toFixed(1)} rows/s; 90018 answered: ${emu.state.counter(app.appKey).rateLimited - before} (why one leader sends)`,
    );
    for (const s of senders) await s.store.close();
    await emu.app.close();
  } catch (error) {
    console.error(`PostgreSQL bench failed: ${(error as Error).stack ?? String(error)}`, (error as Error).cause);
  } finally {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
