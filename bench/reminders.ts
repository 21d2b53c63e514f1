/**
 * Reminder figures: planner time for the seeded district and for synthetic provinces (linear?),
 * and the burden of the 2019 replay (messages per official per month and per week), with the
 * first digests verbatim.
 */
import { WorkCalendar } from '../server/src/calendar/work-calendar.js';
import { planReminders } from '../server/src/domain/reminders/planner.js';
import { DEFAULT_POLICY } from '../server/src/domain/policy/policy.js';
import { emptyState, type State } from '../server/src/model/state.js';
import { ensureObligations } from '../server/src/domain/obligations/obligation-book.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import { burden, replay } from '../tests/helpers/replay.js';
import { ms, percentile, timeEach } from './stats.js';

export function province(districts: number, tasksPer = 40, unitsPer = 60): State {
  const s = emptyState();
  for (let d = 0; d < districts; d += 1) {
    const planId = `d${d}`;
    s.plans.push({
      id: planId,
      title: `区县${d}实施方案`,
      issuer: '',
      issuedOn: '2018-10-31',
      period: { from: 2018, to: 2022 },
      source: { name: 'x', format: 'text', sha256: '0'.repeat(64) },
    });
    for (let u = 0; u < unitsPer; u += 1) {
      const unitId = `${planId}u${u}`;
      s.units.push({ id: unitId, name: `单位${d}-${u}`, aliases: [], kind: 'department' });
      for (const role of ['contact', 'leader'] as const)
        s.people.push({
          id: `${unitId}${role[0]}`,
          name: `官员${d}-${u}`,
          accounts: [{ platform: 'dingtalk', userId: `${unitId}${role[0]}`, unionId: `un${unitId}${role[0]}` }],
          unitIds: [unitId],
          roles: [role],
          sample: true,
        });
    }
    const types = ['annual', 'continuous', 'superior', 'deadline', 'periodic'] as const;
    for (let t = 1; t <= tasksPer; t += 1) {
      const type = types[t % types.length]!;
      const taskId = `${planId}.k${t}`;
      s.tasks.push({
        id: taskId,
        planId,
        kind: 'key',
        number: t,
        label: String(t),
        title: `任务${t}`,
        body: '',
        unitsText: '',
        units: [],
        leaders: [],
        schedule:
          type === 'deadline'
            ? { type, text: '2021年底前完成', due: '2021-12-31', source: 'document' }
            : { type, text: '', source: 'document' },
      });
      for (let u = 0; u < unitsPer; u += 1)
        s.assignments.push({
          id: `${taskId}.${planId}u${u}`,
          planId,
          taskId,
          unitId: `${planId}u${u}`,
          role: u === 0 ? 'lead' : 'co',
          status: 'active',
        });
    }
  }
  return s;
}

/**
 * The province's state with its obligations stored as the scheduler stores them before it plans,
 * in the shape a store hands it to the planner: parsed from JSON, each member and each plan-year
 * list of obligations apart (as PostgreSQL's rows are read; the embedded store parses one document,
 * which gives the same objects). Neither the store's own state, which also holds its ledger of 1.6M
 * materialised records, nor a structured clone of it, which copies every string (each record's
 * dates its own objects: a 1.3 GB heap where a loaded state takes 0.7 GB, and full collections
 * that cost twice as much) — a heap no store makes.
 */
async function stored(n: number, calendar: WorkCalendar, at: Date): Promise<State> {
  const store = new MemoryStore(province(n), () => at);
  await ensureObligations(store, { calendar, policy: DEFAULT_POLICY }, at);
  return asLoaded(store.state.get());
}

const reparse = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function asLoaded(state: Readonly<State>): State {
  const out = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(state))
    out[key] =
      key === 'obligations'
        ? Object.fromEntries(
            Object.entries(state.obligations).map(([year, plans]) => [
              year,
              Object.fromEntries(Object.entries(plans).map(([planId, list]) => [planId, reparse(list)])),
            ]),
          )
        : reparse(value);
  return out as unknown as State;
}

export async function benchReminders(quick: boolean): Promise<void> {
  const calendar = new WorkCalendar();
  console.log(
    '\n## Reminder planner (one day, 2019-03-18 09:00; 40 tasks × 60 units per district, nobody has acted yet)',
  );
  console.log(
    '"first" = the first plan, which also asks for every 待办; "steady" = the next plan, with those 待办 recorded.',
  );
  console.log(
    '| districts | tasks | assignments | reminders | items | first p50 ms | p99 ms | steady p50 ms | p99 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const sizes = process.env.DUBAN_BENCH_DISTRICTS?.split(',').map(Number) ?? (quick ? [1, 10, 30] : [1, 10, 30, 100]);
  for (const n of sizes) {
    const at = new Date('2019-03-18T09:00:00+08:00');
    const s = await stored(n, calendar, at);
    // the heap settled: what building the state left (a store and its ledger of 1.6M materialised
    // records, ~1.7 GB for 100 districts) collected before timing, not inside the first plans timed
    // (`npm run bench` runs with --expose-gc)
    global.gc?.();
    let result = planReminders(s, calendar, DEFAULT_POLICY, at);
    const first = await timeEach(n >= 100 ? 9 : 15, async () => {
      result = planReminders(s, calendar, DEFAULT_POLICY, at);
    });
    for (const t of result.todoCreates)
      s.todos[t.key] = {
        obligationIds: t.obligationIds,
        personId: t.personId,
        unionId: t.unionId,
        todoId: 'x',
        done: false,
      };
    const steady = await timeEach(n >= 100 ? 9 : 15, async () => void planReminders(s, calendar, DEFAULT_POLICY, at));
    const items = result.reminders.reduce((a, r) => a + r.items.length, 0);
    console.log(
      `| ${n} | ${s.tasks.length} | ${s.assignments.length.toLocaleString('en')} | ${result.reminders.length.toLocaleString('en')} | ${items.toLocaleString('en')} | ${ms(percentile(first, 50))} | ${ms(percentile(first, 99))} | ${ms(percentile(steady, 50))} | ${ms(percentile(steady, 99))} |`,
    );
  }

  console.log('\n## Replay of the seeded plan, 2018-11-01 → 2019-12-31 (simulated officials; ~1 unit in 7 slow)');
  const t0 = process.hrtime.bigint();
  const r = await replay('seeds', '2018-11-01', '2019-12-31');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const b = burden(r, '2018-11-01', '2019-12-31');
  console.log(
    `${r.workingDays} working days in ${seconds.toFixed(1)} s: ${r.notices.length} work notifications to ${b.officials} officials, ${r.todos} 待办, ${r.fulfilled} obligations fulfilled; at most ${r.maxPerPersonDay} message per person per day; ${r.holidayMessages} on non-working days.`,
  );
  console.log(
    `Messages per official per week: ${b.perWeekOutsideDeadlines.toFixed(2)} outside deadline weeks (${b.quietWeeks} weeks), ${b.perWeekAll.toFixed(2)} over all ${b.weeks} weeks.`,
  );
  const months = [...new Set([...r.perPersonMonth.values()].flatMap((m) => [...m.keys()]))].sort();
  console.log('\nMessages per official per month (mean / max over officials who received any):');
  console.log(`| month | ${months.join(' | ')} |`);
  console.log(`|---|${months.map(() => '---').join('|')}|`);
  const per = months.map((m) => [...r.perPersonMonth.values()].map((x) => x.get(m) ?? 0));
  console.log(`| mean | ${per.map((v) => (v.reduce((a, c) => a + c, 0) / b.officials).toFixed(1)).join(' | ')} |`);
  console.log(`| max | ${per.map((v) => Math.max(...v)).join(' | ')} |`);
  console.log('\nFirst digests, verbatim (区法制办 contact):');
  for (const n of r.notices.filter((x) => x.userId === 'dt-fzb-c').slice(0, 3)) {
    const m = n.message;
    console.log(
      `\n--- ${n.at.toISOString()} ---\n${m.kind === 'actionCard' ? `${m.markdown}\n[${m.buttons.map((x) => x.title).join('] [')}]` : JSON.stringify(m)}`,
    );
  }
}
