/**
 * The 督考办's overview (#11): GET /api/overview and a drill-down, 50 supervisors at once over
 * loopback HTTP, on the seeded district and on a synthetic district 10× its size.
 */
import type { AddressInfo } from 'node:net';
import { createCore } from '../server/src/core.js';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { loadCalendar } from '../server/src/calendar/load-calendar.js';
import { loadConfig } from '../server/src/config.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadPolicy } from '../server/src/domain/policy/policy.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import type { State } from '../server/src/model/state.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { province } from './reminders.js';

const AT = new Date('2019-06-20T10:00:00+08:00');
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

const percentile = (v: number[], p: number): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function measure(name: string, store: MemoryStore, supervisor: string): Promise<void> {
  const sessions = new SessionTokens(Buffer.alloc(32, 3), () => AT);
  const policy = await loadPolicy('seeds');
  const calendar = await loadCalendar('seeds');
  const core = createCore(loadConfig({ DUBAN_DATA_DIR: join(tmpdir(), 'duban-bench-overview') }), {
    store,
    clock: { now: () => AT },
    log: quiet,
    calendar,
    policy,
  });
  await core.prepare();
  const app = await core.app({ sessions });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const token = sessions.issue(supervisor, ['supervisor']).token;
  try {
    for (const path of ['/api/overview', '/api/overview/parts?light=red', '/api/tasks?kind=key&limit=500']) {
      const first = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!first.ok) throw new Error(`${path}: ${first.status} ${await first.text()}`);
      const body = (await first.json()) as { lights?: { red: number; yellow: number; green: number }; total?: number };
      const times: number[] = [];
      const t0 = process.hrtime.bigint();
      // 50 supervisors, each opening the page 10 times in a row
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          for (let i = 0; i < 10; i += 1) {
            const s = process.hrtime.bigint();
            const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
            await r.arrayBuffer();
            times.push(Number(process.hrtime.bigint() - s) / 1e6);
          }
        }),
      );
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const parts = body.lights ? body.lights.red + body.lights.yellow + body.lights.green : body.total;
      console.log(
        `| ${name} | ${path} | ${parts?.toLocaleString('en')} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} | ${(times.length / wall).toFixed(0)} |`,
      );
    }
  } finally {
    await app.close();
  }
}

export async function benchOverview(): Promise<void> {
  console.log(
    '\n## 督办总览 under load (50 concurrent supervisors × 10 requests, loopback HTTP, 2019-06-20; the clients run in the same process and parse every body)',
  );
  console.log('| district | request | parts counted | p50 ms | p99 ms | requests/s |');
  console.log('|---|---|---|---|---|---|');
  const seeded = new MemoryStore(undefined, () => AT);
  await seedStore(seeded, await loadSeeds('seeds'), new Date('2018-11-01T09:00:00+08:00'));
  await measure('seeded (36 key tasks)', seeded, 'p-dkb-s1');

  // ten times the seeded district's parts: 40 key tasks × 100 units, one plan
  const s: State = province(1, 40, 100);
  s.activePlanId = 'd0';
  s.people.push({
    id: 'sup',
    name: '督考办',
    accounts: [{ platform: 'dingtalk', userId: 'sup' }],
    unitIds: [],
    roles: ['supervisor'],
    sample: true,
  });
  const big = new MemoryStore(s, () => AT);
  await measure('synthetic 10× (40 tasks × 100 units)', big, 'sup');
}
