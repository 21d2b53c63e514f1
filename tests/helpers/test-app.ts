import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { join } from 'node:path';
import { SessionTokens } from '../../server/src/auth/session-tokens.js';
import { loadCalendar } from '../../server/src/calendar/load-calendar.js';
import { loadPolicy } from '../../server/src/domain/policy/policy.js';
import { EvidenceStore } from '../../server/src/evidence/evidence-store.js';
import type { BuildAppOptions } from '../../server/src/app.js';
import type { Channel } from '../../server/src/channels/channel.js';
import { buildApp } from '../../server/src/app.js';
import { createCore, type Core, type CoreAppOptions, type CoreDeps } from '../../server/src/core.js';
import { loadConfig } from '../../server/src/config.js';
import type { Deps } from '../../server/src/deps.js';
import type { Clock, Log } from '../../server/src/model/runtime.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openStore } from '../../server/src/store/open-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { SEEDS_DIR } from './seeds.js';
import { tempDir } from './temp-dir.js';
import type { ChannelSet } from '../../server/src/channels/channel-set.js';

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function fixedClock(iso = '2019-03-01T09:00:00+08:00'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => (now = new Date(next)) };
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps & { clock: ReturnType<typeof fixedClock> };
  store: Store;
  sessions: SessionTokens;
  evidence: EvidenceStore;
  dataDir: string;
  /** Options for buildApp with the core's services (to rebuild the app with other limits or config). */
  appOptions: BuildAppOptions;
  /** The services the app was built from (scheduler, bot, inbox, progress). */
  core: Core;
  /**
   * Another app on the same store from a new core (another clock, channel, policy, evidence store
   * or parser): every service is built again from them, as a server started that way would be.
   */
  rebuild(over: Partial<CoreDeps>, own?: CoreAppOptions): Promise<FastifyInstance>;
  /** A session token for a person (default: 督考办's 周晓梅, who reads everything). */
  token(personId?: string): string;
  /** `app.inject` as a signed-in person (default 督考办); `null` sends no session. */
  inject(opts: InjectOptions | string, personId?: string | null): Promise<LightMyRequestResponse>;
  /** Moves the app's real time on (rate limits, the identical-request window); no waiting. */
  later(ms: number): void;
  close(): Promise<void>;
}

export const SUPERVISOR = 'p-dkb-s1';

/** The real app over a temporary data directory seeded like a first `npm start`. */
export async function seededApp(
  o: {
    channel?: Channel;
    /** Several platforms (DingTalk and 浙政钉), as DUBAN_PLATFORM=both configures them. */
    channels?: ChannelSet;
    appDir?: string;
    /** Another store (already seeded, e.g. a second PostgreSQL instance) instead of a fresh embedded one. */
    store?: (clock: () => Date) => Promise<Store>;
    /** A data directory to share (evidence) instead of a fresh one. */
    dataDir?: string;
    /** More of the environment the configuration is read from (DUBAN_BACKUP_DIR …). */
    env?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  const dataDir = o.dataDir ?? tempDir();
  const clock = fixedClock();
  const config = loadConfig({ DUBAN_DATA_DIR: dataDir, DUBAN_SEEDS_DIR: SEEDS_DIR, ...o.env });
  const store = o.store ? await o.store(() => clock.now()) : await openStore(dataDir, { clock: () => clock.now() });
  // seeded as a first npm start in local mode does: when the plan's cycle starts (its obligations start then)
  if (store.state.get().plans.length === 0)
    await seedStore(store, await loadSeeds(SEEDS_DIR), new Date('2018-11-01T09:00:00+08:00'));
  const evidence = new EvidenceStore(join(dataDir, 'evidence'), store.evidence);
  const coreDeps: CoreDeps = {
    store,
    clock,
    log: silentLog,
    calendar: await loadCalendar(SEEDS_DIR),
    policy: await loadPolicy(SEEDS_DIR),
    evidence,
    dingtalk: { corpId: 'ding-test-corp', clientId: 'test-client' },
    ...(o.channel ? { channel: o.channel } : {}),
    ...(o.channels ? { channels: o.channels } : {}),
  };
  const core = createCore(config, coreDeps);
  await core.prepare(); // as npm start does after seeding
  const deps = core.deps as TestApp['deps'];
  const sessions = new SessionTokens(Buffer.alloc(32, 7), () => clock.now());
  let realOffset = 0;
  const realNow = () => Date.now() + realOffset;
  const own = { sessions, realNow, ...(o.appDir ? { appDir: o.appDir } : {}) };
  const appOptions = core.appOptions(own);
  const cores = [core];
  const t: TestApp = {
    app: await buildApp(deps, appOptions),
    core,
    rebuild: async (over, more = {}) => {
      const next = createCore(config, { ...coreDeps, ...over });
      cores.push(next);
      return buildApp(next.deps, next.appOptions({ ...own, ...more }));
    },
    deps,
    store,
    sessions,
    evidence,
    dataDir,
    appOptions,
    token: (personId = SUPERVISOR) => sessions.issue(personId, []).token,
    inject: (opts, personId = SUPERVISOR) => {
      const base: InjectOptions = typeof opts === 'string' ? { method: 'GET', url: opts } : opts;
      const headers = {
        ...(base.headers ?? {}),
        ...(personId ? { authorization: `Bearer ${t.token(personId)}` } : {}),
      };
      return t.app.inject({ ...base, headers });
    },
    later: (ms) => {
      realOffset += ms;
    },
    close: async () => {
      await t.app.close();
      for (const c of cores) await c.stop();
      await store.close();
    },
  };
  return t;
}
