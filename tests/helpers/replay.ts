import { createHash } from 'node:crypto';
import { fromDay, toDay, weekday } from '../../server/src/calendar/dates.js';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { fulfilObligations, type FulfilInput } from '../../server/src/domain/obligations/fulfil.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import type { Store } from '../../server/src/store/ports.js';
import { MemoryStore } from '../../server/src/store/memory/memory-store.js';
import { FakeChannel } from './fake-channel.js';
import type { TodoInput } from '../../server/src/channels/channel.js';

export interface ReplayResult {
  days: number;
  workingDays: number;
  notices: FakeChannel['notices'];
  todos: number;
  todoList: Array<{ input: TodoInput; done: boolean }>;
  /** messages per person per month (YYYY-MM). */
  perPersonMonth: Map<string, Map<string, number>>;
  /** Weeks (Monday) that contain a due date. */
  deadlineWeeks: Set<string>;
  fulfilled: number;
  maxPerPersonDay: number;
  holidayMessages: number;
  /** Size of the state document (JSON bytes) on the last day of each year replayed. */
  stateBytes: Map<string, number>;
}

/** Deterministic 0..1 from a string (simulated officials' behaviour). */
const chance = (s: string): number =>
  parseInt(createHash('sha256').update(s).digest('hex').slice(0, 8), 16) / 0xffffffff;
const mondayOf = (date: string): string => fromDay(toDay(date) - ((weekday(toDay(date)) + 6) % 7));

/**
 * Replays the seeded plan day by day with a fake clock: each working day at 09:00 the scheduler
 * plans and sends; simulated officials then act on what they were reminded of — most units
 * promptly, about one in seven slowly — so obligations get fulfilled as in a plausible year.
 */
export async function replay(
  seedsDir: string,
  from: string,
  to: string,
  /** Another store to replay into (e.g. an embedded data directory); in memory by default. Closed at the end. */
  open?: (clock: () => Date) => Promise<Store>,
): Promise<ReplayResult> {
  let now = new Date(`${from}T09:00:00+08:00`);
  const store = open ? await open(() => now) : new MemoryStore(undefined, () => now);
  await seedStore(store, await loadSeeds(seedsDir), new Date());
  const clock = { now: () => now };
  const calendar = new WorkCalendar();
  const channel = new FakeChannel(clock.now);
  const log = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
  const dispatcher = new Dispatcher(store, channel, log, { concurrency: 8, recordEvery: 200, batch: 2000 });
  const scheduler = new Scheduler({
    store,
    calendar,
    policy: DEFAULT_POLICY,
    clock,
    log,
    dispatcher,
    publicUrl: 'http://127.0.0.1:3000',
  });
  const result: ReplayResult = {
    days: 0,
    workingDays: 0,
    notices: channel.notices,
    todos: 0,
    todoList: [],
    perPersonMonth: new Map(),
    deadlineWeeks: new Set(),
    fulfilled: 0,
    maxPerPersonDay: 0,
    holidayMessages: 0,
    stateBytes: new Map(),
  };
  for (let day = toDay(from); day <= toDay(to); day += 1) {
    const date = fromDay(day);
    now = new Date(`${date}T09:00:00+08:00`);
    result.days += 1;
    const before = channel.notices.length;
    const plan = (await scheduler.runUntilIdle(now, 50)).plan ?? { reminders: [] };
    now = new Date(`${date}T17:00:00+08:00`);
    await scheduler.runUntilIdle(now, 10); // the 17:00 delivery checks
    const sentToday = channel.notices.slice(before);
    if (date.endsWith('-12-31') || day === toDay(to))
      result.stateBytes.set(date, Buffer.byteLength(JSON.stringify(store.state.get())));
    if (!calendar.isWorkingDay(date)) {
      result.holidayMessages += sentToday.length;
      continue;
    }
    result.workingDays += 1;
    const perPerson = new Map<string, number>();
    for (const n of sentToday) perPerson.set(n.userId, (perPerson.get(n.userId) ?? 0) + 1);
    result.maxPerPersonDay = Math.max(result.maxPerPersonDay, ...[...perPerson.values()].map((v) => v), 0);
    for (const [userId, count] of perPerson) {
      const months = result.perPersonMonth.get(userId) ?? new Map<string, number>();
      months.set(date.slice(0, 7), (months.get(date.slice(0, 7)) ?? 0) + count);
      result.perPersonMonth.set(userId, months);
    }
    const actions: FulfilInput[] = [];
    for (const r of plan.reminders) {
      for (const i of r.items) if (i.stage === 'due') result.deadlineWeeks.add(mondayOf(date));
      if (r.kind !== 'digest') continue;
      for (const i of r.items) {
        const slow = chance(i.unitId) < 0.14;
        const p =
          i.kind === 'acknowledge'
            ? { new: 0.5, before: 0.4, due: 0.6, overdue: 0.7 }[i.stage]
            : { new: 0.2, before: 0.3, due: 0.6, overdue: 0.6 }[i.stage];
        if (chance(`${i.obligationId}|${date}`) < p * (slow ? 0.3 : 1)) {
          actions.push({
            obligationId: i.obligationId,
            action: i.kind === 'acknowledge' ? 'acknowledge' : 'report',
            channel: 'miniapp',
            actor: { type: 'person', id: r.personId },
            at: now,
          });
        }
      }
    }
    result.fulfilled += (await fulfilObligations(store, actions)).changed;
  }
  result.todos = channel.todos.size;
  result.todoList = [...channel.todos.values()];
  if (open) await store.close();
  return result;
}

/** Average messages per official per week over weeks without a due date, and over all weeks. */
export function burden(
  r: ReplayResult,
  from: string,
  to: string,
): { officials: number; perWeekOutsideDeadlines: number; perWeekAll: number; weeks: number; quietWeeks: number } {
  const weeks = new Set<string>();
  for (let d = toDay(from); d <= toDay(to); d += 1) weeks.add(mondayOf(fromDay(d)));
  const quiet = [...weeks].filter((w) => !r.deadlineWeeks.has(w));
  const officials = new Set(r.notices.map((n) => n.userId));
  const inQuiet = r.notices.filter((n) =>
    quiet.includes(mondayOf(new Date(n.at.getTime() + 8 * 3600_000).toISOString().slice(0, 10))),
  ).length;
  return {
    officials: officials.size,
    perWeekOutsideDeadlines: inQuiet / officials.size / Math.max(1, quiet.length),
    perWeekAll: r.notices.length / officials.size / weeks.size,
    weeks: weeks.size,
    quietWeeks: quiet.length,
  };
}
