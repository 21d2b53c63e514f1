import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ErrorBody } from '../../shared/errors.js';
import '../../shared/zod-locale.js';
import type { Deps } from './deps.js';
import { AppError } from './errors.js';
import { healthRoute } from './routes/health-route.js';
import { readRoutes } from './routes/read-routes.js';
import type { BotInbox } from './bot/bot-inbox.js';
import { dingtalkCallbackRoute } from './routes/dingtalk-callback.js';
import { reminderRoutes } from './routes/reminder-routes.js';
import type { Scheduler } from './scheduler/scheduler.js';
import type { SimClock } from './scheduler/sim-clock.js';
import type { WorkCalendar } from './calendar/work-calendar.js';
import { randomBytes } from 'node:crypto';
import type { Server as NetServer } from 'node:net';
import { requireSession } from './auth/auth-hook.js';
import { SessionTokens } from './auth/session-tokens.js';
import { ProgressService } from './domain/progress/progress-service.js';
import { TaskTimeline } from './domain/progress/task-timeline.js';
import type { ReminderPolicy } from './domain/policy/policy.js';
import type { EvidenceStore } from './evidence/evidence-store.js';
import { authRoutes } from './routes/auth-routes.js';
import { evidenceRoutes } from './routes/evidence-routes.js';
import { progressRoutes } from './routes/progress-routes.js';
import { workbenchRoutes } from './routes/workbench-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { assessmentRoutes } from './routes/assessment-routes.js';
import { evidenceChecker } from './routes/evidence-of.js';
import { DEFAULT_RULES, type AssessmentRules } from './domain/assessment/rules.js';
import { Buckets, DailyQuota } from './auth/person-limits.js';
import { DEFAULT_LIMITS } from './config.js';
import { calendarRoutes } from './routes/calendar-routes.js';
import { miniappStatic } from './routes/miniapp-static.js';
import { carryOutOnce } from './routes/once.js';
import type { ParsePool } from './importer/parse-pool.js';
import type { ExportPool } from './export/export-pool.js';
import { MemoryRequestLog } from './store/request-log.js';

export interface BuildAppOptions {
  /** Pino logger options, or false for none (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Operator warnings shown by /api/health (e.g. a missing holiday calendar). */
  warnings?: () => string[];
  /** Robot messages in HTTP callback mode: verified with the app secret, handed to the inbox. */
  dingtalkCallback?: { appSecret: string; inbox: BotInbox };
  /** The reminder preview (and, in local mode, the simulated clock's controls). */
  reminders?: {
    scheduler: Scheduler;
    calendar: WorkCalendar;
    sim?: { clock: SimClock; digestTime: string; onMove?: (at: Date) => Promise<void> };
  };
  /** Signs sessions; without it a random key (sessions end with the process). */
  sessions?: SessionTokens;
  /** The mini-app's API (我的任务, 任务详情, 签收, 进展, evidence) and its pages under /app. */
  miniapp?: {
    calendar: WorkCalendar;
    policy: ReminderPolicy;
    evidence: EvidenceStore;
    /** The year-end 考评 rules (seeds/assessment-rules.json; the defaults when absent). */
    assessment?: AssessmentRules;
    /** The service the bot uses too (one is made when absent). */
    progress?: ProgressService;
    /** What the page passes to requestAuthCode. */
    dingtalk: { corpId: string; clientId: string };
    /** The built pages (miniapp/dist); not served when absent. */
    appDir?: string;
    /** Reads uploaded plan documents off the event loop (in line when absent). */
    parser?: ParsePool;
    /** Builds 台账 workbooks off the event loop (in line when absent). */
    exports?: ExportPool;
  };
  /**
   * Evidence housekeeping (npm start): at start and then daily, temp files of interrupted uploads
   * go, and files never attached to anything go after `graceMs`.
   */
  sweepEvidence?: { graceMs: number; log: (m: string) => void };
  /** Real time for rate limits (the simulated clock must not refill them); tests inject one. */
  realNow?: () => number;
  /** Connection limits (defaults below); tests shorten them. */
  http?: Partial<HttpLimits>;
}

export interface HttpLimits {
  /** A connection that sends nothing for this long is closed (a stalled body, an idle keep-alive). */
  idleTimeoutMs: number;
  /** Headers must arrive within this. */
  headersTimeoutMs: number;
  /** A whole request (a 20 MB upload on a slow phone included) must arrive within this. */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP: HttpLimits = { idleTimeoutMs: 30_000, headersTimeoutMs: 15_000, requestTimeoutMs: 300_000 };

const FIELD_NAMES: Record<string, string> = {
  querystring: '查询参数',
  params: '路径参数',
  body: '请求体',
  headers: '请求头',
};

/** DUBAN_TRUST_PROXY as Fastify takes it: a hop count becomes "believe the nearest N hops". */
function trustProxyOption(
  v: boolean | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_address, hop) => hop < v : v;
}

/**
 * For an HTML answer that sets none (the mini-app's pages and the API docs set their own): the
 * printable annual report, say — its own <style>, no script at all.
 */
export const HTML_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

/** No request of this product nests deeper; anything deeper is refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

/** Whether a JSON text nests arrays/objects deeper than `max` (strings skipped; stops at the first excess). */
export function tooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i += 1;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123 /* [ { */) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 93 || c === 125 /* ] } */) depth -= 1;
  }
  return false;
}

/** At most `max` open connections per remote address; more are closed as they arrive. */
export function capConnections(server: NetServer, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const from = socket.remoteAddress ?? '';
    const n = (open.get(from) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(from, n);
    socket.once('close', () => {
      const left = (open.get(from) ?? 1) - 1;
      if (left > 0) open.set(from, left);
      else open.delete(from);
    });
  });
}

/** Builds the HTTP app; it does not listen (main.ts does). Tests call `app.inject`. */
export async function buildApp(deps: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const http = { ...DEFAULT_HTTP, ...options.http };
  const app = Fastify({
    logger: options.logger ?? false,
    // behind a proxy, rate limits and the 免登 buckets key by the real client (DUBAN_TRUST_PROXY)
    trustProxy: trustProxyOption(deps.config.trustProxy ?? false),
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    connectionTimeout: http.idleTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: Math.min(5_000, http.idleTimeoutMs),
    http: { headersTimeout: http.headersTimeoutMs },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON bodies: nesting is checked in one linear pass before parsing (a 1 MB [[[…]]] no longer
  // costs the event loop a deep parse); then Fastify's own parser (prototype poisoning refused)
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (tooDeep(text, MAX_JSON_DEPTH))
      return done(new AppError('BAD_REQUEST', 400, `请求内容嵌套过深(超过 ${MAX_JSON_DEPTH} 层),未处理`), undefined);
    return parseJson(req, text, done);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error instanceof AppError) {
      const body: ErrorBody = {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      };
      return reply.status(error.status).send(body);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = FIELD_NAMES[error.validationContext ?? ''] ?? '请求';
      const details = error.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(整体)',
        message: v.message ?? '格式不正确',
      }));
      const first = details[0]!;
      const body: ErrorBody = {
        code: 'VALIDATION_FAILED',
        message: `${where}有误:${first.path} ${first.message}`,
        details,
      };
      return reply.status(400).send(body);
    }
    if (error.statusCode === 413)
      return reply.status(413).send({ code: 'PAYLOAD_TOO_LARGE', message: '请求内容太大' } satisfies ErrorBody);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .status(error.statusCode)
        .send({ code: 'BAD_REQUEST', message: `请求无法处理:${error.message}` } satisfies ErrorBody);
    }
    req.log.error({ err: error }, 'unhandled error');
    deps.log.error(`${req.method} ${req.url} failed: ${error.stack ?? error.message}`);
    return reply.status(500).send({
      code: 'INTERNAL',
      message: '服务器内部错误,已记录日志。请稍后重试,如持续出现请联系管理员',
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ code: 'NOT_FOUND', message: `没有这个地址:${req.method} ${req.url.split('?')[0]}` } satisfies ErrorBody),
  );

  await app.register(cors, { origin: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: '督办通 API',
        description: '计划、任务、责任单位与台账的接口。错误统一为 {code, message}。',
        version: deps.config.version,
      },
    },
    transform: jsonSchemaTransform,
  });
  // the API docs carry their own CSP (hashes of swagger-ui's inline scripts)
  // (kept on plain HTTP: no upgrade-insecure-requests; nothing from other hosts; swagger-ui sets
  // style attributes from script, so styles may be inline — scripts stay hashed)
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace(' validator.swagger.io', '')
        .replace("font-src 'self' https: data:", "font-src 'self' data:")
        .replace(/style-src 'self' https:\s*/, "style-src 'self' 'unsafe-inline'"),
    uiConfig: { validatorUrl: null },
  });
  // any other HTML answer gets a strict policy: no script, no frame, no form posting elsewhere
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', HTML_CSP).header('x-content-type-options', 'nosniff');
    return payload;
  });
  // every /api route except health and sign-in needs a session (ARCHITECTURE: authorise in the transport)
  const sessions = options.sessions ?? new SessionTokens(randomBytes(32), () => deps.clock.now());
  requireSession(app, sessions, deps.store);
  // writes are limited per person (not per IP: a government NAT puts a district behind one address)
  const limits = { ...DEFAULT_LIMITS, ...deps.config.limits };
  // one address cannot hold every socket (a proxy in front limits by client itself: no cap then)
  if (!deps.config.trustProxy) capConnections(app.server, limits.connectionsPerAddress);
  const realNow = options.realNow ?? Date.now;
  const writes = new Buckets(limits.writesPerMinute, 60_000, realNow);
  app.addHook('preHandler', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || !req.viewer) return;
    writes.take(`w:${req.viewer.person.id}`, '操作太频繁,请稍后再试');
  });
  // a double tap, a resent form, a retry with the same Idempotency-Key: carried out once
  carryOutOnce(app, {
    log: deps.store.requests ?? new MemoryRequestLog(),
    now: realNow,
    clock: () => deps.clock.now().getTime(),
  });
  await app.register(healthRoute(deps, options.warnings ?? (() => [])));
  if (options.miniapp) {
    const m = options.miniapp;
    const timeline = new TaskTimeline(deps.store.ledger, () => deps.store.state.get());
    // building starts no work: the timeline's catch-up (~20 µs per event; task pages wait for it)
    // and the evidence sweep start when the server is ready (listen, or a first inject)
    app.addHook('onReady', async () => {
      timeline.start().catch((error: unknown) => deps.log.error(`任务时间线读取台账失败:${(error as Error).message}`));
    });
    if (options.sweepEvidence) {
      const sweep = options.sweepEvidence;
      const run = async (): Promise<void> => {
        const keep = new Set(
          Object.values(deps.store.state.get().botContext).flatMap((c) => c.pending.map((f) => f.sha256)),
        );
        const r = await m.evidence.sweep(await timeline.unattached(), keep, Date.now(), sweep.graceMs);
        if (r.temps + r.removed > 0)
          sweep.log(
            `佐证材料清理:${r.temps} 个未传完的临时文件,${r.removed} 个超过 ${Math.round(sweep.graceMs / 3_600_000)} 小时未使用的上传`,
          );
      };
      const failed = (e: unknown) => deps.log.error(`佐证材料清理失败:${(e as Error).message}`);
      let daily: NodeJS.Timeout | undefined;
      app.addHook('onReady', async () => {
        void run().catch(failed);
        daily = setInterval(() => void run().catch(failed), 24 * 3_600_000);
        daily.unref();
      });
      app.addHook('onClose', async () => clearInterval(daily));
    }
    const progress =
      m.progress ??
      new ProgressService({
        store: deps.store,
        calendar: m.calendar,
        policy: m.policy,
        clock: deps.clock,
        publicUrl: deps.config.publicUrl,
      });
    await app.register(
      authRoutes(deps, { sessions, dingtalk: m.dingtalk, loginQueue: limits.loginQueue, now: realNow, progress }),
    );
    await app.register(progressRoutes(deps, { progress, timeline, sessions }));
    await app.register(workbenchRoutes(deps, { calendar: m.calendar, policy: m.policy, sessions }));
    await app.register(
      importRoutes(deps, { calendar: m.calendar, policy: m.policy, ...(m.parser ? { parser: m.parser } : {}) }),
    );
    await app.register(calendarRoutes(deps, { calendar: m.calendar, warnings: options.warnings ?? (() => []) }));
    await app.register(
      assessmentRoutes(deps, {
        calendar: m.calendar,
        policy: m.policy,
        rules: m.assessment ?? DEFAULT_RULES,
        evidence: evidenceChecker(timeline),
        ...(m.exports ? { exports: m.exports } : {}),
      }),
    );
    await app.register(
      evidenceRoutes(deps, {
        evidence: m.evidence,
        timeline,
        sessions,
        uploads: new Buckets(limits.uploadsPerHour, 3_600_000, realNow),
        quota: new DailyQuota(limits.uploadMbPerUnitDay * 1024 * 1024, () =>
          new Date(realNow() + 8 * 3_600_000).toISOString().slice(0, 10),
        ),
      }),
    );
    if (m.appDir) await app.register(miniappStatic(m.appDir));
  }
  await app.register(readRoutes(deps));
  if (options.reminders)
    await app.register(
      reminderRoutes(deps, options.reminders.scheduler, options.reminders.calendar, options.reminders.sim),
    );
  if (options.dingtalkCallback)
    await app.register(
      dingtalkCallbackRoute(deps, options.dingtalkCallback.appSecret, options.dingtalkCallback.inbox, realNow),
    );
  return app;
}
