/**
 * The server process: the only place that reads the environment and listens. Opens the data
 * directory (creating and seeding it on first run), serves the API, and shuts down cleanly on
 * SIGINT/SIGTERM so no file is left torn.
 */
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './model/runtime.js';
import { createCore } from './core.js';
import { seedStore } from './plan-import/seed-store.js';
import { importPlan } from './importer/import-plan.js';
import { consoleLog, jsonLog, redactUrl, shanghaiStamp } from './log.js';
import { loadSeeds } from './seeds/load-seeds.js';
import { StoreError } from './store/errors.js';
import { join } from 'node:path';
import { DingTalkChannel } from './channels/dingtalk/dingtalk-channel.js';
import { StreamReceiver } from './channels/dingtalk/stream-receiver.js';
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
import { fileURLToPath } from 'node:url';

// eslint-disable-next-line max-lines-per-function -- the process's start: config, store, clock, core, listen, signals, in order; it moves into createCore when the clock is known before the store (#34 req 3, left)
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logContext: { simNow?: () => Date } = {};
  const log = (config.logFormat === 'json' ? jsonLog : consoleLog)(config.logLevel, logContext);
  log.info(
    `督办通 ${config.version} 启动中,模式:${config.mode === 'local' ? '本地模式(使用本地钉钉模拟器,无需凭据)' : '钉钉模式'}`,
  );
  log.info(`数据目录:${config.dataDir}`);
  // in local mode the simulated clock is *the* clock, the ledger's too (set once it is known below)
  let storeNow = (): Date => systemClock.now();
  const store = config.databaseUrl
    ? await openPgStore(config.databaseUrl, { clock: () => storeNow(), log })
    : await openStore(config.dataDir, { clock: () => storeNow(), log });
  if (config.databaseUrl) log.info(`数据库:PostgreSQL(${config.databaseUrl.replace(/\/\/[^@/]*@/, '//…@')})`);
  const calendar = await loadCalendar(config.seedsDir);
  if (store.state.get().plans.length === 0 && store.state.get().units.length === 0) {
    const seeds = await loadSeeds(config.seedsDir);
    if (config.mode === 'local' && seeds.plans[0]) {
      // a first start in local mode is seeded at the simulated start, so the ledger begins there
      const first = (
        await importPlan(
          seeds.plans[0],
          seeds.directory,
          seeds.plans[0].planId ? { planId: seeds.plans[0].planId } : {},
        )
      ).plan.issuedOn;
      const start = simStart(config, first, calendar);
      storeNow = () => start;
    }
    const reports = await seedStore(store, seeds, storeNow());
    for (const r of reports) {
      log.info(
        `已导入种子计划 ${r.source.name}:${r.counts.sections} 个工程、${r.counts.measures} 项主要任务、${r.counts.keyTasks} 项重点任务、${r.counts.assignments} 条责任分工,${r.warnings.length} 条提示`,
      );
    }
    await store.backup?.(); // the first backup is the seeded state, never the empty one
  }
  const platforms = await resolvePlatforms(config, log, process.env);
  const { emulatorUrl = config.emulator.url, stop: stopEmulator } = platforms;
  const dingtalk = platforms.dingtalk && new DingTalkChannel(platforms.dingtalk.options);
  // 浙政钉's gateway checks each request's time against the real time (the emulated one too), so
  // requests are signed with the machine's clock whatever the simulated one says
  const zzd = platforms.zzd && new ZzdChannel(platforms.zzd);
  // in the configured order: a person is reached on the first platform they have an account on
  const channels = new ChannelSet(config.platforms.map((p) => (p === 'dingtalk' ? dingtalk! : zzd!)));
  log.info(
    `消息平台:${config.platforms.map((p) => PLATFORM_NAME[p]).join(' + ')}(${config.mode === 'local' ? '本地模拟器' : '正式环境'}${zzd ? `,浙政钉网关 ${platforms.zzd!.apiBase}` : ''})`,
  );
  const policy = await loadPolicy(config.seedsDir);
  const assessment = await loadAssessmentRules(config.seedsDir); // a mistake stops start-up, naming the field
  const active = store.state.get().plans.find((p) => p.id === store.state.get().activePlanId);
  const sim = config.mode === 'local' ? new SimClock(store, simStart(config, active?.issuedOn, calendar)) : undefined;
  const clock = sim ?? systemClock;
  if (sim) {
    storeNow = () => sim.now();
    logContext.simNow = () => sim.now();
    log.info(
      `模拟时钟:${shanghaiStamp(sim.now().getTime()).slice(0, 16)}(本地模式;在模拟器控制台可拨到下一个工作日、下一周或任一日期)`,
    );
  }
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
  const { scheduler, inbox } = core;
  const carried = await core.prepare();
  for (const w of core.warnings()) log.warn(`!!! ${w}`);
  if (carried.reports + carried.requests > 0)
    log.info(`已从台账补记 ${carried.reports} 条最近进展、${carried.requests} 份办结/延期申请`);
  if (carried.materialised > 0)
    log.info(`已生成 ${carried.materialised} 项年度事项(${shanghaiDate(clock.now()).slice(0, 4)} 年及上一年)`);
  // the bot lives in DingTalk's robot chat: 浙政钉 has none (its users get links into the mini-app)
  const dt = platforms.dingtalk?.options;
  const receiver =
    dt && config.robotMode === 'stream'
      ? new StreamReceiver({ clientId: dt.appKey, clientSecret: dt.appSecret, apiBase: dt.apiBase }, inbox, log)
      : undefined;

  const appDir = await miniappDir(log);
  const app = await core.app({
    logger: {
      // text: only trouble (a console is for people); json: every request too (id, route, status,
      // time, the acting person and their units — never a body), for the collector
      level: config.logFormat === 'text' && config.logLevel === 'info' ? 'warn' : config.logLevel,
      messageKey: 'msg',
      formatters: { level: (label: string) => ({ level: label }) },
      timestamp: () => `,"time":"${shanghaiStamp()}"`,
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }) },
    },
    // the HTTP callback exists only in HTTP mode; in Stream mode nothing answers at /dingtalk/callback
    ...(dt && config.robotMode === 'http' ? { dingtalkCallback: { appSecret: dt.appSecret, inbox } } : {}),
    sessions: new SessionTokens(await loadSessionKey(config.dataDir, config.sessionSecret), () => systemClock.now()),
    ...(sim
      ? { sim: { clock: sim, digestTime: policy.digestTime, onMove: (at: Date) => syncEmulatorClock(emulatorUrl, at) } }
      : {}),
    ...(appDir ? { appDir } : {}),
  });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`收到 ${signal},正在停止…`);
    try {
      receiver?.stop();
      await scheduler.stop();
      await app.close();
      await core.stop();
      await store.close();
      await stopEmulator();
      log.info('已停止');
      process.exit(0);
    } catch (error) {
      log.error(`停止时出错:${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

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
  await scheduler.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
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
