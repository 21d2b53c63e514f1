/**
 * Child process for the reminder crash test: one working day of the real pipeline (plan →
 * outbox → dispatcher → channel → emulator) against a data directory, until nothing is due.
 *
 * Crash points are injected, not timed: every store transaction and every platform call (notice,
 * robot message, 待办) has a point before it and after it, and inside a transaction there are
 * points between its state write (the commit point) and its ledger append, and after that. With a
 * crash index k the child SIGKILLs itself at the k-th point it reaches — or, if its run has fewer
 * points, at the last one (after the final write, before closing). So a child started with k is
 * killed every time, and the parent's kill count is exact by construction.
 *
 * argv: dir|postgresUrl emulatorUrl appJson nowIso [crashAt]; appJson with platform "zzd" sends through 浙政钉. Prints "LEAD" when it leads (PostgreSQL),
 * "POINTS <n>" before a clean exit.
 */
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import type { Channel } from '../../server/src/channels/channel.js';
import { DingTalkChannel } from '../../server/src/channels/dingtalk/dingtalk-channel.js';
import { ZzdChannel } from '../../server/src/channels/zzd/zzd-channel.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import type { Store } from '../../server/src/store/ports.js';
import { openStore } from '../../server/src/store/open-store.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';

const [dir, emulatorUrl, appJson, nowIso, crashAtText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
];
const crashAt = crashAtText === undefined ? undefined : Number(crashAtText);
const app = JSON.parse(appJson) as
  | { platform?: 'dingtalk'; appKey: string; appSecret: string; agentId: number; robotCode: string }
  | { platform: 'zzd'; appKey: string; appSecret: string; tenantId: string };
const now = new Date(nowIso);
const log = { info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };

let points = 0;
/** The k-th point reached kills the child; `last` kills it whatever k is (its run had fewer points). */
function point(name: string, last = false): void {
  points += 1;
  if (crashAt !== undefined && (points >= crashAt || last)) {
    process.stdout.write(`CRASH ${points} ${name}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

/** Wraps an async method so a crash point lies just before it and just after it resolves. */
function around<T extends object, K extends keyof T>(target: T, key: K, name: string): void {
  const original = target[key] as unknown as (...args: unknown[]) => Promise<unknown>;
  (target as Record<K, unknown>)[key] = async (...args: unknown[]) => {
    point(`before ${name}`);
    const result = await original.apply(target, args);
    point(`after ${name}`);
    return result;
  };
}

// a data directory, or a PostgreSQL URL (several instances: only the one holding the lead works)
const pgUrl = dir.startsWith('postgres://') ? dir : undefined;
const store: Store = pgUrl
  ? await openPgStore(pgUrl, { clock: () => now })
  : await openStore(dir, { clock: () => now, crashPoint: (name) => point(name) });
around(store, 'transact', 'transaction');
if (store.lead) {
  const lead = store.lead.bind(store);
  let said = false;
  store.lead = async () => {
    const got = await lead();
    if (got && !said) process.stdout.write('LEAD\n');
    said ||= got;
    return got;
  };
}
// DingTalk, or 浙政钉's gateway (signed with the real time, as the gateway checks)
const retry = { baseMs: 5, maxMs: 50, attempts: 10 };
const channel: Channel =
  app.platform === 'zzd'
    ? new ZzdChannel({ ...app, apiBase: `${emulatorUrl}/zzd`, qps: 0, retry })
    : new DingTalkChannel({ ...app, apiBase: emulatorUrl, oapiBase: emulatorUrl, qps: 0, retry });
for (const key of ['sendNotice', 'sendRobot', 'createTodo', 'completeTodo'] as const)
  around(channel, key, `channel.${key}`);

const dispatcher = new Dispatcher(store, channel, log, { concurrency: 4 });
const scheduler = new Scheduler({
  store,
  calendar: new WorkCalendar(),
  // no 待办 where the platform has none
  policy: channel.capabilities.todo
    ? DEFAULT_POLICY
    : { ...DEFAULT_POLICY, todo: { ...DEFAULT_POLICY.todo, enabled: false } },
  clock: { now: () => now },
  log,
  dispatcher,
  publicUrl: 'http://127.0.0.1:3000',
});
// standing by while another instance leads: try again until this one leads and finds the day done
// (a killed leader's claims are taken back once its sessions are gone: PostgreSQL may take a moment
// to see them go, and the clock does not move here, so wait for that rather than for a lease)
const claimed = () => store.state.get().outbox.some((r) => r.status === 'claimed');
for (let i = 0; i < 3000; i += 1) {
  const r = await scheduler.runUntilIdle(now, 50);
  if (!r.standby && !claimed()) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
if (crashAt !== undefined) point('end of run', true); // fewer points than k: crash after the last write
await store.close();
process.stdout.write(`POINTS ${points}\nDONE\n`);
