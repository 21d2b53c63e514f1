/**
 * A city on one deployment (#38 req 5): the city's own plan and N districts × 40 units × 60 tasks,
 * each district onboarded as `npm run org -- add` does, its tasks for the city handed down. Prints
 * the opening of all organisations, each day's planning (all organisations), the city's overview
 * and task chain, a district's workbench through /o/<id>/, and the extra cost of the address
 * prefix — at 4 and at 12 districts, so a quadratic term would show.
 */
import { preparedCore, quiet } from './core.js';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { loadCalendar } from '../server/src/calendar/load-calendar.js';
import { loadConfig } from '../server/src/config.js';
import { directoryOf } from '../server/src/domain/plan/directory-of.js';
import { DEFAULT_RULES } from '../server/src/domain/assessment/rules.js';
import { importPlan } from '../server/src/importer/import-plan.js';
import { onboard } from '../server/src/orgs/onboard.js';
import { OrgHost } from '../server/src/orgs/org-host.js';
import { applyImport } from '../server/src/plan-import/apply-import.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { openStore } from '../server/src/store/open-store.js';
import { ms, percentile } from './stats.js';

const AT = new Date('2024-03-05T09:30:00+08:00');
/** The first working day after the plans arrived: everything they owe is new (签收) that day. */
const NEXT_DAY = new Date('2024-03-06T09:30:00+08:00');

/** A district's directory (40 units), people (a contact each and a 督考办) and 60-task plan. */
function district(n: number) {
  const units = [
    { id: 'dkb', name: '督考办', aliases: [], kind: 'office' as const },
    ...Array.from({ length: 39 }, (_, u) => ({
      id: `u${u}`,
      name: `区第${u + 1}局`,
      aliases: [],
      kind: 'department' as const,
    })),
  ];
  const people = units.map((u) => ({
    id: `p-${u.id}`,
    name: `${n}区${u.name}联络员`,
    accounts: [{ platform: 'dingtalk' as const, userId: `dt-d${n}-${u.id}`, unionId: `un-d${n}-${u.id}` }],
    unitIds: [u.id],
    roles: u.id === 'dkb' ? (['supervisor', 'admin'] as const) : (['contact'] as const),
    sample: false,
  }));
  const rows = Array.from(
    { length: 60 },
    (_, k) =>
      `${k + 1} | 推进第${k + 1}项重点工作 | ${units[1 + (k % 39)]!.name} | ${units[1 + ((k * 7) % 39)]!.name} | 2024年${(k % 12) + 1}月底前`,
  );
  const plan = ['2024年区政府重点工作任务分解', '序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限', ...rows].join('\n');
  return {
    directory: {
      district: `区县${n}`,
      sample: false,
      units: units.map((u) => ({ ...u, aliases: [...u.aliases] })),
      groups: [],
    },
    people: { sample: false, people: people.map((p) => ({ ...p, roles: [...p.roles] })) },
    plan: { name: `d${n}.txt`, content: new TextEncoder().encode(plan) },
  };
}

async function city(districts: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-city-'));
  const out: string[] = [];
  try {
    const config = loadConfig({ DUBAN_DATA_DIR: dir, DUBAN_SEEDS_DIR: 'seeds' });
    const store = await openStore(dir, { clock: () => AT });
    await seedStore(store, await loadSeeds('seeds'), new Date('2018-11-01T09:00:00+08:00'));
    // the city's own plan names each district as a unit (5 tasks each, handed down)
    const cityRows = Array.from(
      { length: districts * 5 },
      (_, k) => `${k + 1} | 市级重点工作${k + 1} | 区县${k % districts}城市 |  | 2024年底前`,
    );
    const cityPlan = await importPlan(
      {
        name: 'city.txt',
        content: new TextEncoder().encode(
          ['2024年市政府重点工作任务分解', '序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限', ...cityRows].join('\n'),
        ),
      },
      directoryOf(store.state.get()),
    );
    await applyImport(store, cityPlan, { type: 'system', name: 'bench' }, AT);
    let t0 = performance.now();
    for (let n = 0; n < districts; n += 1)
      await onboard(config, {
        entry: { id: `d${n}`, name: `区县${n}`, level: 'district', unit: `区县${n}城市` },
        ...(n === 0 ? { root: { id: 'city', name: '本市', level: 'city' } } : {}),
        ...district(n),
        now: AT,
      });
    const onboarding = performance.now() - t0;
    const core = await preparedCore(store, AT, config);
    const sessions = new SessionTokens(Buffer.alloc(32, 3), () => AT);
    const host = new OrgHost({
      config,
      clock: { now: () => AT },
      log: quiet,
      parser: core.parser,
      exports: core.exports,
      calendar: () => loadCalendar('seeds'),
      policy: core.policy,
      assessment: DEFAULT_RULES,
      app: {},
      root: { store, sessions, core },
    });
    t0 = performance.now();
    await host.refresh();
    await host.settled();
    const opening = performance.now() - t0;
    const handed = host.ids.reduce(
      (n, id) =>
        n +
        host
          .core(id)!
          .deps.store.state.get()
          .tasks.filter((t) => t.upper).length,
      0,
    );
    const heap = process.memoryUsage().heapUsed / 1024 / 1024;
    // the day's planning: every organisation's, one after another
    const plans: number[] = [];
    let items = 0;
    for (const c of [core, ...host.ids.map((id) => host.core(id)!)]) {
      const s = performance.now();
      items += c.scheduler.preview(NEXT_DAY).reminders.length;
      plans.push(performance.now() - s);
    }
    const app = await core.app({
      sessions,
      route: host.route,
      chainOf: (taskId) => ({ links: host.chain(undefined, taskId) }),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const supervisor = store.state.get().people.find((p) => p.roles.includes('supervisor'))!;
    const cityToken = sessions.issue(supervisor.id, []).token;
    const districtToken = (
      (await (
        await fetch(`${base}/o/d0/api/auth/dev`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ personId: 'p-dkb' }),
        })
      ).json()) as { token: string }
    ).token;
    const timed = async (path: string, token: string, n = 40) => {
      const times: number[] = [];
      for (let i = 0; i < n; i += 1) {
        const s = performance.now();
        const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
        times.push(performance.now() - s);
      }
      return `p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms`;
    };
    const cityTask = store.state.get().tasks.find((t) => t.planId === cityPlan.plan.id)!;
    out.push(
      `| ${districts} | ${host.ids.length + 1} | ${ms(onboarding / districts)} ms | ${ms(opening)} ms (${handed} tasks) | ${heap.toFixed(0)} MB | ${ms(plans.reduce((a, b) => a + b, 0))} ms (${items} digests) | ${await timed('/api/overview', cityToken)} | ${await timed(`/api/tasks/${encodeURIComponent(cityTask.id)}/chain`, cityToken)} | ${await timed('/o/d0/api/overview', districtToken)} | ${await timed('/o/d0/api/me', districtToken, 200)} vs root ${await timed('/api/me', cityToken, 200)} |`,
    );
    await app.close();
    await host.close();
    await core.stop();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export async function benchOrgs(quick = false): Promise<void> {
  console.log(
    '\n## A city on one deployment (#38): the city (the seeded district as its own data) and N districts × 40 units × 60 tasks, embedded store, one instance',
  );
  console.log(
    '| districts | organisations | onboard each | open all (tasks handed down) | heap | the day planned, all | city overview | city task chain | district workbench /o/d0/api/overview | /o/d0/api/me vs /api/me |\n|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const n of quick ? [4] : [4, 12]) for (const line of await city(n)) console.log(line);
}
