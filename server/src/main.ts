/**
 * The server process: the only place that reads the environment and listens. Opens the data
 * directory (creating and seeding it on first run), serves the API, and shuts down cleanly on
 * SIGINT/SIGTERM so no file is left torn.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock, type Deps } from './deps.js';
import { seedStore } from './domain/plan/seed-store.js';
import { consoleLog } from './log.js';
import { loadSeeds } from './seeds/load-seeds.js';
import { StoreError } from './store/errors.js';
import { openStore } from './store/open-store.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = consoleLog(config.logLevel);
  log.info(`督办通 ${config.version} 启动中,模式:${config.mode === 'local' ? '本地模式(使用本地钉钉模拟器,无需凭据)' : '钉钉模式'}`);
  log.info(`数据目录:${config.dataDir}`);
  const store = await openStore(config.dataDir, { clock: () => systemClock.now(), log });
  const deps: Deps = { config, clock: systemClock, log, store };

  if (store.state.get().plans.length === 0 && store.state.get().units.length === 0) {
    const seeds = await loadSeeds(config.seedsDir);
    const reports = await seedStore(store, seeds, systemClock.now());
    for (const r of reports) {
      log.info(`已导入种子计划 ${r.source.name}:${r.counts.sections} 个工程、${r.counts.measures} 项主要任务、${r.counts.keyTasks} 项重点任务、${r.counts.assignments} 条责任分工,${r.warnings.length} 条提示`);
    }
  }

  const app = await buildApp(deps, { logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel } });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`收到 ${signal},正在停止…`);
    try {
      await app.close();
      await store.close();
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
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const s = store.state.get();
  log.info(`督办通已启动:${base}`);
  log.info(`  接口文档  ${base}/docs`);
  log.info(`  健康检查  ${base}/api/health`);
  log.info(`  重点任务  ${base}/api/tasks?kind=key`);
  log.info(`  当前计划:${s.plans.find((p) => p.id === s.activePlanId)?.title ?? '(无)'}(${s.tasks.length} 项任务,${s.units.length} 个单位,${s.people.length} 名人员)`);
}

main().catch((error: unknown) => {
  if (error instanceof StoreError || error instanceof ConfigError) {
    console.error(`启动失败:${error.message}`);
  } else {
    console.error('启动失败:', error);
  }
  process.exit(1);
});
