/**
 * The server process: the only place that reads the environment and listens. Opens the data
 * directory (creating and seeding it on first run), serves the API, and shuts down cleanly on
 * SIGINT/SIGTERM so no file is left torn.
 */
import { ConfigError, loadConfig } from './config.js';
import { systemClock, type Clock, type Log } from './model/runtime.js';
import type { Store } from './store/ports.js';
import { createCore } from './core.js';
import { seedStore } from './plan-import/seed-store.js';
import { importPlan } from './importer/import-plan.js';
import { consoleLog, jsonLog, redactUrl, shanghaiStamp } from './log.js';
import { loadSeeds } from './seeds/load-seeds.js';
import { StoreError } from './store/errors.js';
import { join } from 'node:path';
import { DingTalkChannel } from './channels/dingtalk/dingtalk-channel.js';
import { StreamReceiver } from './channels/dingtalk/stream-receiver.js';
import { toBotEvent } from './channels/dingtalk/robot-payload.js';
import { resolvePlatforms, syncEmulatorClock } from './local-emulator.js';
import { ZzdChannel } from './channels/zzd/zzd-channel.js';
import { ChannelSet } from './channels/channel-set.js';
import { PLATFORM_NAME } from './channels/platforms.js';
import { shanghaiDate } from './calendar/dates.js';
import { loadCalendar } from './calendar/load-calendar.js';
import type { WorkCalendar } from './calendar/work-calendar.js';
import type { Config } from './config.js';
import { loadPolicy } from './domain/policy/policy.js';
import { loadAssessmentRules } from './domain/assessment/rules.js';
import { SimClock } from './scheduler/sim-clock.js';
import { openStore } from './store/open-store.js';
import { openPgStore } from './store/pg/pg-store.js';
import { loadSessionKey, SessionTokens } from './auth/session-tokens.js';
import { access } from 'node:fs/promises';
import { OrgHost } from './orgs/org-host.js';
import { fileURLToPath } from 'node:url';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // the clock before anything is built: the store, the log lines and every service read it. In
  // local mode it is the simulated clock, positioned once the store is open (its position is kept
  // in the state); the ledger's clock too.
  const sim = config.mode === 'local' ? new SimClock() : undefined;
  const clock: Clock = sim ?? systemClock;
  const log = (config.logFormat === 'json' ? jsonLog : consoleLog)(config.logLevel, sim ? { sim } : {});
  log.info(
    `督办通 ${config.version} 启动中,模式:${config.mode === 'local' ? '本地模式(使用本地钉钉模拟器,无需凭据)' : '钉钉模式'}`,
  );
  log.info(`数据目录:${config.dataDir}`);
  const store = config.databaseUrl
    ? await openPgStore(config.databaseUrl, { clock: () => clock.now(), log })
    : await openStore(config.dataDir, { clock: () => clock.now(), log });
  if (config.databaseUrl) log.info(`数据库:PostgreSQL(${config.databaseUrl.replace(/\/\/[^@/]*@/, '//…@')})`);
  const calendar = await loadCalendar(config.seedsDir);
  await positionAndSeed(config, store, sim, calendar, log);
  const platforms = await resolvePlatforms(config, log, process.env);
  const { emulatorUrl = config.emulator.url, stop: stopEmulator } = platforms;
  const { dingtalk, channels } = channelsOf(config, platforms, log);
  const policy = await loadPolicy(config.seedsDir);
  const assessment = await loadAssessmentRules(config.seedsDir); // a mistake stops start-up, naming the field
  const core = createCore(config, {
    store,
    clock,
    log,
    ...(dingtalk ? { channel: dingtalk } : {}),
    channels,
    calendar,
    policy,
    assessment,
    ...(platforms.dingtalk
      ? { dingtalk: { corpId: platforms.dingtalk.corpId, clientId: platforms.dingtalk.options.appKey } }
      : {}),
    sweepEvidence: { graceMs: 48 * 3_600_000 },
  });
  await prepare(core, clock, log);
  // the bot lives in DingTalk's robot chat: 浙政钉 has none (its users get links into the mini-app)
  const dt = platforms.dingtalk?.options;
  const appDir = await miniappDir(log);
  const sessions = new SessionTokens(await loadSessionKey(config.dataDir, config.sessionSecret), () =>
    systemClock.now(),
  );
  // the organisations below this one (orgs.json), each served at /o/<id>/ — opened now and whenever
  // `npm run org -- add` enters one (no restart)
  const orgs = new OrgHost({
    config,
    clock,
    log,
    ...(dingtalk ? { channel: dingtalk } : {}),
    channels,
    parser: core.parser,
    exports: core.exports,
    calendar: () => loadCalendar(config.seedsDir),
    policy,
    assessment,
    app: { logger: requestLogger(config), ...(appDir ? { appDir } : {}) },
    ...(platforms.dingtalk
      ? { dingtalk: { corpId: platforms.dingtalk.corpId, clientId: platforms.dingtalk.options.appKey } }
      : {}),
    root: { store, sessions, core },
  });
  await orgs.refresh();
  // the robot's messages go to the organisation their sender belongs to
  const bots = orgs.botSink(core.inbox, toBotEvent);
  const receiver =
    dt && config.robotMode === 'stream'
      ? new StreamReceiver({ clientId: dt.appKey, clientSecret: dt.appSecret, apiBase: dt.apiBase }, bots, log)
      : undefined;

  const app = await core.app({
    route: orgs.route,
    orgsOf: (person) => orgs.orgsOf(person),
    orgAdmin: orgs,
    chainOf: (taskId) => ({ links: orgs.chain(undefined, taskId) }),
    summaryOf: () => orgs.summary(undefined),
    logger: requestLogger(config),
    // the HTTP callback exists only in HTTP mode; in Stream mode nothing answers at /dingtalk/callback
    ...(dt && config.robotMode === 'http' ? { dingtalkCallback: { appSecret: dt.appSecret, inbox: bots } } : {}),
    sessions,
    ...(sim
      ? { sim: { clock: sim, digestTime: policy.digestTime, onMove: (at: Date) => syncEmulatorClock(emulatorUrl, at) } }
      : {}),
    ...(appDir ? { appDir } : {}),
  });
  stopOnSignals(log, async () => {
    receiver?.stop();
    await core.scheduler.stop();
    await orgs.close();
    await app.close();
    await core.stop();
    await store.close();
    await stopEmulator();
  });
  await app.listen({ port: config.port, host: config.host });
  if (config.mode === 'local' && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    log.warn(
      `!!! HOST=${config.host}:本地模式提供免密的开发登录(可扮演任一示例人员),请勿在其他机器可访问的地址上以本地模式运行`,
    );
  }
  if (receiver) {
    receiver.start().then(
      () => log.info('机器人消息:Stream 模式已连接'),
      (error: unknown) => log.warn(`机器人 Stream 连接失败,将自动重试:${(error as Error).message}`),
    );
  } else if (dt) log.info(`机器人消息:HTTP 回调模式,回调地址 ${config.publicUrl}/dingtalk/callback`);
  else log.info('机器人消息:浙政钉没有机器人会话,通知中的链接直接打开督办通');
  if (sim) await syncEmulatorClock(emulatorUrl, sim.now());
  await core.scheduler.start();
  await orgs.start({ watch: true });
  announce(config, app, store, emulatorUrl, log);
}

/**
 * Positions local mode's simulated clock (the time an earlier run saved, else the active plan's
 * start — for a first run, the first seed plan's), then seeds an empty store, so the ledger of a
 * first local start begins on the plan's first working day.
 */
async function positionAndSeed(
  config: Config,
  store: Store,
  sim: SimClock | undefined,
  calendar: WorkCalendar,
  log: Log,
): Promise<void> {
  const state = store.state.get();
  const seeds = state.plans.length === 0 && state.units.length === 0 ? await loadSeeds(config.seedsDir) : undefined;
  if (sim) {
    const first = seeds?.plans[0];
    const issued = first
      ? (await importPlan(first, seeds.directory, first.planId ? { planId: first.planId } : {})).plan.issuedOn
      : state.plans.find((p) => p.id === state.activePlanId)?.issuedOn;
    sim.attach(store, simStart(config, issued, calendar));
    log.info(
      `模拟时钟:${shanghaiStamp(sim.now().getTime()).slice(0, 16)}(本地模式;在模拟器控制台可拨到下一个工作日、下一周或任一日期)`,
    );
  }
  if (!seeds) return;
  const reports = await seedStore(store, seeds, (sim ?? systemClock).now());
  for (const r of reports) {
    log.info(
      `已导入种子计划 ${r.source.name}:${r.counts.sections} 个工程、${r.counts.measures} 项主要任务、${r.counts.keyTasks} 项重点任务、${r.counts.assignments} 条责任分工,${r.warnings.length} 条提示`,
    );
  }
  await store.backup?.(); // the first backup is the seeded state, never the empty one
}

/** The platforms' channels, in the configured order: a person is reached on the first platform they have an account on. */
function channelsOf(
  config: Config,
  platforms: Awaited<ReturnType<typeof resolvePlatforms>>,
  log: Log,
): { dingtalk: DingTalkChannel | undefined; channels: ChannelSet } {
  const dingtalk = platforms.dingtalk && new DingTalkChannel(platforms.dingtalk.options);
  // 浙政钉's gateway checks each request's time against the real time (the emulated one too), so
  // requests are signed with the machine's clock whatever the simulated one says
  const zzd = platforms.zzd && new ZzdChannel(platforms.zzd);
  const channels = new ChannelSet(config.platforms.map((p) => (p === 'dingtalk' ? dingtalk! : zzd!)));
  log.info(
    `消息平台:${config.platforms.map((p) => PLATFORM_NAME[p]).join(' + ')}(${config.mode === 'local' ? '本地模拟器' : '正式环境'}${zzd ? `,浙政钉网关 ${platforms.zzd!.apiBase}` : ''})`,
  );
  return { dingtalk, channels };
}

/** What the ledger carries into the reading side before the first request, said in the log. */
async function prepare(core: ReturnType<typeof createCore>, clock: Clock, log: Log): Promise<void> {
  const carried = await core.prepare();
  for (const w of core.warnings()) log.warn(`!!! ${w}`);
  if (carried.reports + carried.requests > 0)
    log.info(`已从台账补记 ${carried.reports} 条最近进展、${carried.requests} 份办结/延期申请`);
  if (carried.materialised > 0)
    log.info(`已生成 ${carried.materialised} 项年度事项(${shanghaiDate(clock.now()).slice(0, 4)} 年及上一年)`);
}

/**
 * Fastify's request log. Text: only trouble (a console is for people); json: every request too
 * (id, route, status, time, the acting person and their units — never a body), for the collector.
 */
function requestLogger(config: Config) {
  return {
    level: config.logFormat === 'text' && config.logLevel === 'info' ? 'warn' : config.logLevel,
    messageKey: 'msg',
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: () => `,"time":"${shanghaiStamp()}"`,
    serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }) },
  };
}

/** SIGINT/SIGTERM stop everything in order, once, so no file is left torn. */
function stopOnSignals(log: Log, stopAll: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`收到 ${signal},正在停止…`);
    try {
      await stopAll();
      log.info('已停止');
      process.exit(0);
    } catch (error) {
      log.error(`停止时出错:${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** Where to go next: the addresses and what is loaded. */
function announce(
  config: Config,
  app: { server: { address(): unknown } },
  store: Store,
  emulatorUrl: string,
  log: Log,
): void {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? (address as { port: number }).port : config.port;
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const s = store.state.get();
  log.info(`督办通已启动:${base}`);
  log.info(`  督办通小程序  ${base}/app/`);
  log.info(`  接口文档  ${base}/docs`);
  log.info(`  健康检查  ${base}/api/health`);
  if (config.mode === 'local')
    log.info(`  钉钉模拟器控制台  ${emulatorUrl}/ (扮演任一官员,查看工作通知、待办,与机器人对话)`);
  log.info(
    `  当前计划:${s.plans.find((p) => p.id === s.activePlanId)?.title ?? '(无)'}(${s.tasks.length} 项任务,${s.units.length} 个单位,${s.people.length} 名人员)`,
  );
}

/** The built mini-app (npm start builds it first); absent → the API runs without the pages. */
async function miniappDir(log: { warn(m: string): void }): Promise<string | undefined> {
  const dir = fileURLToPath(new URL('../../miniapp/dist/', import.meta.url));
  try {
    await access(join(dir, 'index.html'));
    return dir;
  } catch {
    log.warn(`!!! 没有找到小程序页面(${dir}):请先运行 npm run build`);
    return undefined;
  }
}

/** Where local mode's simulated time starts: DUBAN_SIM_START, else the active plan's first working day after its issue date. */
function simStart(config: Config, issued: string | undefined, calendar: WorkCalendar): Date {
  if (config.simStart)
    return new Date(
      `${config.simStart.length === 10 ? `${config.simStart}T09:00` : config.simStart}:00+08:00`.replace(
        /:00:00\+/,
        ':00+',
      ),
    );
  if (!issued) return new Date();
  const next = new Date(Date.parse(`${issued}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return new Date(`${calendar.nextWorkingDay(next)}T09:00:00+08:00`);
}

main().catch((error: unknown) => {
  const fsCode = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof StoreError || error instanceof ConfigError) {
    console.error(`启动失败:${error.message}`);
  } else if (fsCode === 'EACCES' || fsCode === 'EPERM' || fsCode === 'EROFS') {
    const path = (error as NodeJS.ErrnoException).path ?? '数据目录';
    console.error(
      `启动失败:没有权限写入 ${path}(${fsCode})。请让运行督办通的用户可以读写数据目录(DUBAN_DATA_DIR),或换一个可写的目录。`,
    );
  } else {
    console.error('启动失败:', error);
  }
  process.exit(1);
});
