/**
 * Child process for the reminder crash test: one working day of the real pipeline (plan →
 * outbox → dispatcher → channel → emulator) against a data directory, until nothing is due.
 * The parent SIGKILLs it at random moments and starts it again.
 */
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { DingTalkChannel } from '../../server/src/channels/dingtalk/dingtalk-channel.js';
import { DEFAULT_POLICY } from '../../server/src/domain/reminders/policy.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { openStore } from '../../server/src/store/open-store.js';

const [dir, emulatorUrl, appJson, nowIso] = process.argv.slice(2) as [string, string, string, string];
const app = JSON.parse(appJson) as { appKey: string; appSecret: string; agentId: number; robotCode: string };
const now = new Date(nowIso);
const log = { info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
const store = await openStore(dir, { clock: () => now });
const channel = new DingTalkChannel({ ...app, apiBase: emulatorUrl, oapiBase: emulatorUrl, qps: 0, retry: { baseMs: 5, maxMs: 50, attempts: 10 } });
const dispatcher = new Dispatcher(store, channel, log, { concurrency: 4 });
const scheduler = new Scheduler({ store, calendar: new WorkCalendar(), policy: DEFAULT_POLICY, clock: { now: () => now }, log, dispatcher, publicUrl: 'http://127.0.0.1:3000' });
await dispatcher.resetStale(now);
process.stdout.write('READY\n');
await scheduler.runUntilIdle(now, 50);
await store.close();
process.stdout.write('DONE\n');
