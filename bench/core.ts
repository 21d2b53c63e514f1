/** The benches' server: a prepared core over a store, at a fixed instant, with the seeds' calendar and policy. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCalendar } from '../server/src/calendar/load-calendar.js';
import { loadConfig, type Config } from '../server/src/config.js';
import { createCore, type Core } from '../server/src/core.js';
import { loadPolicy } from '../server/src/domain/policy/policy.js';
import type { Store } from '../server/src/store/ports.js';

export const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

/** A core over `store` whose clock stands at `at` (default configuration: a temporary data directory), prepared as start-up does. */
export async function preparedCore(
  store: Store,
  at: Date,
  config: Config = loadConfig({ DUBAN_DATA_DIR: mkdtempSync(join(tmpdir(), 'duban-bench-')) }),
): Promise<Core> {
  const core = createCore(config, {
    store,
    clock: { now: () => at },
    log: quiet,
    calendar: await loadCalendar('seeds'),
    policy: await loadPolicy('seeds'),
  });
  await core.prepare();
  return core;
}
