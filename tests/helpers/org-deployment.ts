import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { loadCalendar } from '../../server/src/calendar/load-calendar.js';
import { directoryOf } from '../../server/src/domain/plan/directory-of.js';
import { importPlan } from '../../server/src/importer/import-plan.js';
import { applyImport } from '../../server/src/plan-import/apply-import.js';
import { OrgHost } from '../../server/src/orgs/org-host.js';
import type { Channel } from '../../server/src/channels/channel.js';
import { runTs } from './run-node.js';
import { MINIAPP_DIST, ROOT, SEEDS_DIR } from './seeds.js';
import { seededApp, silentLog, type TestApp } from './test-app.js';

export const orgFixture = (name: string) => join(ROOT, 'tests/fixtures/orgs', name);

export interface OrgDeployment {
  t: TestApp;
  host: OrgHost;
  /** Another host over the same deployment (a restart of the organisations below). */
  newHost(): OrgHost;
  app: FastifyInstance;
  /** Where the deployment listens (loopback). */
  base: string;
  close(): Promise<void>;
}

/**
 * A city on one deployment, as an operator makes it: the deployment's own data (the sample
 * district's, as 绍兴市) and two districts, 柯桥区 and 上虞区, entered with `npm run org -- add`
 * (directory, people and the same three-task plan each), opened by the host, served over HTTP
 * with the pages.
 */
export async function orgDeployment(channel?: Channel): Promise<OrgDeployment> {
  const t = await seededApp({ appDir: MINIAPP_DIST });
  for (const [id, name] of [
    ['keqiao', '柯桥区'],
    ['shangyu', '上虞区'],
  ] as const) {
    const end = await runTs(
      'server/src/cli/org.ts',
      [
        'add',
        ...['--id', id, '--name', name, '--level', 'district'],
        ...['--root-id', 'shaoxing', '--root-name', '绍兴市', '--root-level', 'city'],
        // the unit it is in the city's directory: the city's tasks for it come down
        ...['--parent-unit', name],
        ...['--units', orgFixture(`${id}-units.json`), '--people', orgFixture(`${id}-people.json`)],
        ...['--plan', orgFixture('district-plan.txt')],
      ],
      { DUBAN_DATA_DIR: t.dataDir, DUBAN_SEEDS_DIR: SEEDS_DIR },
    );
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toContain(`已登记 ${name}(${id})`);
  }
  const newHost = () =>
    new OrgHost({
      config: t.core.config,
      clock: t.deps.clock,
      log: silentLog,
      ...(channel ? { channel } : {}),
      parser: t.core.parser,
      exports: t.core.exports,
      calendar: () => loadCalendar(SEEDS_DIR),
      policy: t.core.policy,
      assessment: t.core.rules,
      app: { appDir: MINIAPP_DIST },
      root: { store: t.store, sessions: t.sessions, core: t.core },
    });
  const host = newHost();
  expect(await host.refresh()).toEqual(['keqiao', 'shangyu']);
  const app = await t.rebuild(
    {},
    {
      route: host.route,
      orgsOf: (p) => host.orgsOf(p),
      orgAdmin: host,
      chainOf: (taskId) => ({ links: host.chain(undefined, taskId) }),
      summaryOf: () => host.summary(undefined),
      appDir: MINIAPP_DIST,
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    t,
    host,
    newHost,
    app,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
      await host.close();
      await t.close();
    },
  };
}

/** The city's 督考办 imports its plan in March 2024: tasks 1 and 2 name 柯桥区 and 上虞区 as units. */
export async function cityPlan(d: OrgDeployment): Promise<string> {
  d.t.deps.clock.set('2024-03-05T10:00:00+08:00');
  const result = await importPlan(
    { name: 'city-plan.txt', content: new Uint8Array(readFileSync(orgFixture('city-plan.txt'))) },
    directoryOf(d.t.store.state.get()),
  );
  await applyImport(d.t.store, result, { type: 'person', id: 'p-dkb-s1', name: '周晓梅' }, d.t.deps.clock.now());
  await d.host.settled();
  return result.plan.id;
}
