import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { ServerMode } from '../../shared/schemas/common.js';
import type { Platform } from '../../shared/schemas/person.js';

const Port = z.coerce.number().int().min(0).max(65535);
const optional = z.string().trim().min(1).optional();

/** Environment variables, each documented in the README's configuration table. */
const Env = z.object({
  PORT: Port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DUBAN_DATA_DIR: z.string().min(1).default('./data'),
  DUBAN_SEEDS_DIR: z.string().min(1).default('./seeds'),
  DUBAN_PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** text: lines for a person reading a console; json: one JSON object per line for a collector (with each request). */
  DUBAN_LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  DINGTALK_APP_KEY: optional,
  DINGTALK_APP_SECRET: optional,
  DINGTALK_AGENT_ID: optional,
  DINGTALK_CORP_ID: optional,
  DINGTALK_ROBOT_CODE: optional,
  DINGTALK_ROBOT_MODE: z.enum(['stream', 'http']).default('stream'),
  DINGTALK_API_BASE: z.url().default('https://api.dingtalk.com'),
  DINGTALK_OAPI_BASE: z.url().default('https://oapi.dingtalk.com'),
  DINGTALK_QPS: z.coerce.number().int().min(0).max(1000).default(20),
  /** Which platform(s) people are reached on: DingTalk, Zhejiang's 浙政钉, or both (each person on the one they have an account on). */
  DUBAN_PLATFORM: z.enum(['dingtalk', 'zzd', 'both']).default('dingtalk'),
  ZZD_APP_KEY: optional,
  ZZD_APP_SECRET: optional,
  ZZD_TENANT_ID: optional,
  /** The 浙政钉 gateway of the deployment (the 专有云 production host by default). */
  ZZD_API_BASE: z.url().default('https://openplatform-pro.ding.zj.gov.cn'),
  DUBAN_EMULATOR_PORT: Port.default(3001),
  DUBAN_EMULATOR_URL: z.url().optional(),
  DUBAN_SESSION_SECRET: z.string().min(32, '至少 32 个字符').optional(),
  /** postgres://… : the PostgreSQL store instead of the embedded one (the data directory then holds only evidence). */
  DUBAN_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, '应为 postgres://用户@主机:端口/数据库')
    .optional(),
  /** Per person: writes (签收, 报送, 申请 …) per minute, uploads per hour; per unit: MB uploaded per day. */
  DUBAN_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  DUBAN_UPLOADS_PER_HOUR: z.coerce.number().int().min(1).default(60),
  DUBAN_UPLOAD_MB_PER_UNIT_DAY: z.coerce.number().int().min(1).default(500),
  /** 免登 code exchanges waiting for DingTalk at once; more are turned away at once. */
  DUBAN_LOGIN_QUEUE: z.coerce.number().int().min(1).default(40),
  /** Open connections one address may hold (without DUBAN_TRUST_PROXY; behind a proxy it limits). */
  DUBAN_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(256),
  /**
   * Behind a reverse proxy or the government cloud's load balancer: which X-Forwarded-For hops to
   * believe — `true` (all), a number of hops, or the proxies' addresses (comma-separated CIDRs);
   * unset: none (the client is the connection's address).
   */
  /** The bearer token GET /metrics asks for (Prometheus); unset: /metrics answers loopback clients only. */
  DUBAN_METRICS_TOKEN: z.string().min(16, '应至少 16 个字符').max(200).optional(),
  /** The daily backup's folder (docs/运维手册.md §4); unset: no scheduled backup. */
  DUBAN_BACKUP_DIR: z.string().min(1).optional(),
  /** Daily backups older than this many days are deleted. */
  DUBAN_BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** When the daily backup is taken (Asia/Shanghai, HH:MM): after it, on the first check of the day. */
  DUBAN_BACKUP_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '应为 HH:MM,如 02:30')
    .default('02:30'),
  DUBAN_TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/,
      '应为 true、跳数(如 1)或代理地址(如 10.0.0.0/8,逗号分隔)',
    )
    .optional(),
  DUBAN_SIM_START: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, '格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM')
    .optional(),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly seedsDir: string;
  /** Base URL people reach the server at (links in messages); default http://HOST:PORT. */
  readonly publicUrl: string;
  readonly logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  readonly logFormat: 'text' | 'json';
  /**
   * `local` when no platform credentials are set (the emulator stands in for DingTalk and 浙政钉);
   * otherwise the live platform setting.
   */
  readonly mode: ServerMode;
  /** The platforms people are reached on, in order of preference (DUBAN_PLATFORM). */
  readonly platforms: readonly Platform[];
  readonly zzd?: { appKey: string; appSecret: string; tenantId: string; apiBase: string };
  readonly dingtalk?: {
    appKey: string;
    appSecret: string;
    agentId: string;
    corpId: string;
    robotCode: string;
    apiBase: string;
    oapiBase: string;
  };
  /** How robot messages arrive: Stream mode (no public URL needed) or the HTTP callback. */
  readonly robotMode: 'stream' | 'http';
  /** Fastify's trustProxy: which forwarded addresses to believe (DUBAN_TRUST_PROXY); false when unset. */
  readonly trustProxy: boolean | number | string[];
  /** GET /metrics's bearer token (DUBAN_METRICS_TOKEN); unset: loopback clients only. */
  readonly metricsToken?: string | undefined;
  /** The scheduled daily backup (DUBAN_BACKUP_DIR …); absent: none. */
  readonly backup?: { dir: string; keepDays: number; at: string } | undefined;
  /** Client-side calls per second per DingTalk API. */
  readonly dingtalkQps: number;
  /** Local mode: the emulator's port (started by npm start) and the URL the server reaches it at. */
  readonly emulator: { port: number; url: string };
  /** Local mode: where the simulated clock starts (Asia/Shanghai); default the plan's first working day. */
  readonly simStart?: string;
  /** Signs sessions and evidence links; default a random key kept in `<dataDir>/session.key`. */
  readonly sessionSecret?: string;
  /** The PostgreSQL store (DUBAN_DATABASE_URL); the embedded store when absent. */
  readonly databaseUrl?: string;
  readonly version: string;
  /** Abuse limits (see the configuration table in the README). */
  readonly limits: Limits;
}

export interface Limits {
  writesPerMinute: number;
  uploadsPerHour: number;
  uploadMbPerUnitDay: number;
  loginQueue: number;
  connectionsPerAddress: number;
}

export const DEFAULT_LIMITS: Limits = {
  writesPerMinute: 60,
  uploadsPerHour: 60,
  uploadMbPerUnitDay: 500,
  loginQueue: 40,
  connectionsPerAddress: 256,
};

export class ConfigError extends Error {}

/** Reads and validates configuration from an environment; fails fast with every problem listed. */
export function loadConfig(
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
  /** `false` for commands that sign nothing (ledger:verify, export, reminders preview, calendar, import). */
  o: { sessions?: boolean } = {},
): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`配置有误,请检查环境变量:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // several instances on one database must verify each other's sessions: one shared key, not a per-instance file
  if (e.DUBAN_DATABASE_URL && !e.DUBAN_SESSION_SECRET && o.sessions !== false)
    throw new ConfigError(
      '使用 PostgreSQL(DUBAN_DATABASE_URL)时须设置 DUBAN_SESSION_SECRET:各实例共用的会话密钥,至少 32 个字符',
    );
  const dt = [e.DINGTALK_APP_KEY, e.DINGTALK_APP_SECRET, e.DINGTALK_AGENT_ID, e.DINGTALK_CORP_ID];
  const someDt = dt.some(Boolean);
  if (someDt && !dt.every(Boolean)) {
    throw new ConfigError(
      '钉钉配置不完整:DINGTALK_APP_KEY、DINGTALK_APP_SECRET、DINGTALK_AGENT_ID、DINGTALK_CORP_ID 需要同时设置(全部不设则使用本地模拟器)',
    );
  }
  const zz = [e.ZZD_APP_KEY, e.ZZD_APP_SECRET, e.ZZD_TENANT_ID];
  const someZz = zz.some(Boolean);
  if (someZz && !zz.every(Boolean))
    throw new ConfigError(
      '浙政钉配置不完整:ZZD_APP_KEY、ZZD_APP_SECRET、ZZD_TENANT_ID 需要同时设置(全部不设则使用本地模拟的浙政钉)',
    );
  const platforms: Platform[] = e.DUBAN_PLATFORM === 'both' ? ['dingtalk', 'zzd'] : [e.DUBAN_PLATFORM];
  if (someDt && !platforms.includes('dingtalk'))
    throw new ConfigError(
      `设置了钉钉凭据(DINGTALK_*),但 DUBAN_PLATFORM=${e.DUBAN_PLATFORM}:要使用钉钉请设为 dingtalk 或 both`,
    );
  if (someZz && !platforms.includes('zzd'))
    throw new ConfigError(
      `设置了浙政钉凭据(ZZD_*),但 DUBAN_PLATFORM=${e.DUBAN_PLATFORM}:要使用浙政钉请设为 zzd 或 both`,
    );
  // live on every configured platform, or local on all: never one real and one emulated
  if (e.DUBAN_PLATFORM === 'both' && someDt !== someZz)
    throw new ConfigError(
      'DUBAN_PLATFORM=both 时钉钉(DINGTALK_*)和浙政钉(ZZD_*)的凭据须都设置,或都不设置(使用本地模拟器)',
    );
  const live = someDt || someZz;
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: abs(e.DUBAN_DATA_DIR),
    seedsDir: abs(e.DUBAN_SEEDS_DIR),
    publicUrl: (e.DUBAN_PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    logFormat: e.DUBAN_LOG_FORMAT,
    mode: live ? e.DUBAN_PLATFORM : 'local',
    platforms,
    ...(someZz
      ? {
          zzd: {
            appKey: e.ZZD_APP_KEY!,
            appSecret: e.ZZD_APP_SECRET!,
            tenantId: e.ZZD_TENANT_ID!,
            apiBase: e.ZZD_API_BASE.replace(/\/$/, ''),
          },
        }
      : {}),
    ...(someDt
      ? {
          dingtalk: {
            appKey: e.DINGTALK_APP_KEY!,
            appSecret: e.DINGTALK_APP_SECRET!,
            agentId: e.DINGTALK_AGENT_ID!,
            corpId: e.DINGTALK_CORP_ID!,
            robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_APP_KEY!,
            apiBase: e.DINGTALK_API_BASE.replace(/\/$/, ''),
            oapiBase: e.DINGTALK_OAPI_BASE.replace(/\/$/, ''),
          },
        }
      : {}),
    robotMode: e.DINGTALK_ROBOT_MODE,
    trustProxy: trustProxyOf(e.DUBAN_TRUST_PROXY),
    ...(e.DUBAN_METRICS_TOKEN ? { metricsToken: e.DUBAN_METRICS_TOKEN } : {}),
    ...(e.DUBAN_BACKUP_DIR
      ? { backup: { dir: abs(e.DUBAN_BACKUP_DIR), keepDays: e.DUBAN_BACKUP_KEEP_DAYS, at: e.DUBAN_BACKUP_AT } }
      : {}),
    dingtalkQps: e.DINGTALK_QPS,
    limits: {
      writesPerMinute: e.DUBAN_WRITES_PER_MINUTE,
      uploadsPerHour: e.DUBAN_UPLOADS_PER_HOUR,
      uploadMbPerUnitDay: e.DUBAN_UPLOAD_MB_PER_UNIT_DAY,
      loginQueue: e.DUBAN_LOGIN_QUEUE,
      connectionsPerAddress: e.DUBAN_CONNECTIONS_PER_ADDRESS,
    },
    emulator: {
      port: e.DUBAN_EMULATOR_PORT,
      url: (e.DUBAN_EMULATOR_URL ?? `http://127.0.0.1:${e.DUBAN_EMULATOR_PORT}`).replace(/\/$/, ''),
    },
    ...(e.DUBAN_SIM_START ? { simStart: e.DUBAN_SIM_START } : {}),
    ...(e.DUBAN_SESSION_SECRET ? { sessionSecret: e.DUBAN_SESSION_SECRET } : {}),
    ...(e.DUBAN_DATABASE_URL ? { databaseUrl: e.DUBAN_DATABASE_URL } : {}),
    version: '0.1.0',
  });
}

/** DUBAN_TRUST_PROXY as Fastify's trustProxy option. */
function trustProxyOf(v: string | undefined): boolean | number | string[] {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  return v.split(',').map((x) => x.trim());
}
