import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { DingTalkChannelOptions } from './channels/dingtalk/dingtalk-channel.js';
import type { Log } from './model/runtime.js';
import type { ZzdChannelOptions } from './channels/zzd/zzd-channel.js';
import type { Platform } from '../../shared/schemas/person.js';

export interface EmulatorApp {
  name: string;
  appKey: string;
  appSecret: string;
  agentId: number;
  robotCode: string;
  corpId: string;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The emulated 浙政钉 app, as GET /__emulator/apps lists it. */
export interface EmulatorZzdApp {
  platform: 'zzd';
  appKey: string;
  appSecret: string;
  tenantId: string;
}

type Listed = Array<(EmulatorApp & { platform?: 'dingtalk' }) | EmulatorZzdApp>;

async function apps(url: string): Promise<Listed | undefined> {
  try {
    const res = await fetch(`${url}/__emulator/apps`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as Listed) : undefined;
  } catch {
    return undefined;
  }
}

const dingtalkApp = (list: Listed | undefined): EmulatorApp | undefined =>
  list?.find((a): a is EmulatorApp => a.platform !== 'zzd');
const zzdApp = (list: Listed | undefined): EmulatorZzdApp | undefined =>
  list?.find((a): a is EmulatorZzdApp => a.platform === 'zzd');

/** Asks the emulator to stop and waits until it has (it saves its world on the way out), at most 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Local mode: use the emulator at `config.emulator.url` if one is running, otherwise start it as
 * its own process (npm run emulator) and wait until it answers. Returns the seeded app's
 * credentials (from the documented admin API) and a stop function.
 */
export async function ensureLocalEmulator(
  config: Config,
  log: Log,
  env: Record<string, string | undefined>,
): Promise<{ app: EmulatorApp; zzd: EmulatorZzdApp; url: string; stop: () => Promise<void> }> {
  // port 0: the OS picks a free port for a new emulator, which reports it back (never reuse one)
  const running = config.emulator.port === 0 ? undefined : await apps(config.emulator.url);
  if (dingtalkApp(running) && zzdApp(running)) {
    log.info(`使用已在运行的钉钉模拟器:${config.emulator.url}`);
    return { app: dingtalkApp(running)!, zzd: zzdApp(running)!, url: config.emulator.url, stop: async () => undefined };
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'emulator/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      DUBAN_EMULATOR_PORT: String(config.emulator.port),
      DUBAN_SEEDS_DIR: config.seedsDir,
      DUBAN_EMULATOR_WORLD: join(config.dataDir, 'emulator-world.json'),
      DUBAN_SERVER_URL: `http://127.0.0.1:${config.port}`,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The emulator belongs to this process: never leave it behind, whatever way we end.
  process.once('exit', () => child.kill('SIGTERM'));
  const started = await new Promise<{ port: number } | { code: number | null }>((resolve) => {
    child.once('message', (m: unknown) => resolve({ port: Number((m as { port?: unknown }).port) }));
    child.once('exit', (code) => resolve({ code }));
  });
  if ('code' in started)
    throw new Error(
      `钉钉模拟器未能启动(退出码 ${started.code}):端口 ${config.emulator.port} 可能被占用,可用 DUBAN_EMULATOR_PORT 换一个`,
    );
  child.disconnect();
  const url = config.emulator.port === 0 ? `http://127.0.0.1:${started.port}` : config.emulator.url;
  for (let i = 0; i < 100; i += 1) {
    const found = await apps(url);
    if (dingtalkApp(found) && zzdApp(found))
      return { app: dingtalkApp(found)!, zzd: zzdApp(found)!, url, stop: () => stopChild(child) };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`钉钉模拟器 20 秒内没有响应:${url}`);
}

/** Local mode: keep the emulator's clock on the simulated date (daily quotas, TTLs, message times). */
export async function syncEmulatorClock(url: string, at: Date): Promise<void> {
  await fetch(`${url}/__emulator/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ at: at.toISOString() }),
  }).catch(() => undefined);
}

/** The DingTalk app of this configuration (tools that need DingTalk: the contacts sync). */
export async function resolveDingTalkApp(
  config: Config,
  log: Log,
  env: Record<string, string | undefined>,
): Promise<{ options: DingTalkChannelOptions; corpId: string; emulatorUrl?: string; stop: () => Promise<void> }> {
  const p = await resolvePlatforms(config, log, env);
  if (!p.dingtalk) {
    await p.stop();
    throw new Error(`本功能需要钉钉,当前 DUBAN_PLATFORM=${config.platforms.join('+')}`);
  }
  return { ...p.dingtalk, ...(p.emulatorUrl ? { emulatorUrl: p.emulatorUrl } : {}), stop: p.stop };
}

/**
 * Every configured platform's connection settings: in local mode the emulator's seeded DingTalk app
 * and its 浙政钉 gateway under /zzd (the emulator started if needed), otherwise the configured apps.
 * `stop` ends an emulator we started.
 */
export async function resolvePlatforms(
  config: Config,
  log: Log,
  env: Record<string, string | undefined>,
): Promise<{
  dingtalk?: { options: DingTalkChannelOptions; corpId: string };
  zzd?: ZzdChannelOptions;
  emulatorUrl?: string;
  stop: () => Promise<void>;
}> {
  const wants = (p: Platform): boolean => config.platforms.includes(p);
  if (config.mode === 'local') {
    const emulator = await ensureLocalEmulator(config, log, env);
    const a = emulator.app;
    return {
      ...(wants('dingtalk')
        ? {
            dingtalk: {
              options: {
                appKey: a.appKey,
                appSecret: a.appSecret,
                agentId: a.agentId,
                robotCode: a.robotCode,
                apiBase: emulator.url,
                oapiBase: emulator.url,
                qps: config.dingtalkQps,
              },
              corpId: a.corpId,
            },
          }
        : {}),
      ...(wants('zzd')
        ? {
            zzd: {
              appKey: emulator.zzd.appKey,
              appSecret: emulator.zzd.appSecret,
              tenantId: emulator.zzd.tenantId,
              apiBase: `${emulator.url}/zzd`,
              qps: config.dingtalkQps,
            },
          }
        : {}),
      emulatorUrl: emulator.url,
      stop: emulator.stop,
    };
  }
  const dt = config.dingtalk;
  return {
    ...(dt && wants('dingtalk')
      ? {
          dingtalk: {
            options: {
              appKey: dt.appKey,
              appSecret: dt.appSecret,
              agentId: Number(dt.agentId),
              robotCode: dt.robotCode,
              apiBase: dt.apiBase,
              oapiBase: dt.oapiBase,
              qps: config.dingtalkQps,
            },
            corpId: dt.corpId,
          },
        }
      : {}),
    ...(config.zzd && wants('zzd') ? { zzd: { ...config.zzd, qps: config.dingtalkQps } } : {}),
    stop: async () => undefined,
  };
}
