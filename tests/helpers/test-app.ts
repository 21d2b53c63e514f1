import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import type { Clock, Deps, Log } from '../../server/src/deps.js';
import { seedStore } from '../../server/src/domain/plan/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openStore } from '../../server/src/store/open-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { SEEDS_DIR } from './seeds.js';
import { tempDir } from './temp-dir.js';

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function fixedClock(iso = '2019-03-01T09:00:00+08:00'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => (now = new Date(next)) };
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  store: Store;
  close(): Promise<void>;
}

/** The real app over a temporary data directory seeded like a first `npm start`. */
export async function seededApp(): Promise<TestApp> {
  const dataDir = tempDir();
  const clock = fixedClock();
  const config = loadConfig({ DUBAN_DATA_DIR: dataDir, DUBAN_SEEDS_DIR: SEEDS_DIR });
  const store = await openStore(dataDir, { clock: () => clock.now() });
  await seedStore(store, await loadSeeds(SEEDS_DIR), clock.now());
  const deps: Deps = { config, clock, log: silentLog, store };
  const app = await buildApp(deps);
  return {
    app,
    deps,
    store,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
