import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { OrgsSummary, OrgView, TaskChain } from '../../shared/schemas/org.js';
import type { Person } from '../../shared/schemas/person.js';
import { orgRoutes, type OrgAdmin } from './routes/org-routes.js';
import cors from '@fastify/cors';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import '../../shared/zod-locale.js';
import { DailyQuota, Buckets } from './auth/person-limits.js';
import { SessionTokens } from './auth/session-tokens.js';
import type { PayloadSink } from './channels/bot-event.js';
import { DEFAULT_LIMITS } from './config.js';
import type { Deps } from './deps.js';
import { apiDocs } from './http/api-docs.js';
import { errorAnswers } from './http/errors.js';
import { guards } from './http/guards.js';
import { DEFAULT_HTTP, requestLimits, serverOptions, type HttpLimits } from './http/limits.js';
import { assessmentRoutes } from './routes/assessment-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { calendarRoutes } from './routes/calendar-routes.js';
import { dingtalkCallbackRoute } from './routes/dingtalk-callback.js';
import { evidenceChecker } from './routes/evidence-of.js';
import { evidenceRoutes } from './routes/evidence-routes.js';
import { healthRoute } from './routes/health-route.js';
import { metrics } from './http/metrics.js';
import { WorkCalendar } from './calendar/work-calendar.js';
import { importRoutes } from './routes/import-routes.js';
import { miniappStatic } from './routes/miniapp-static.js';
import { progressRoutes } from './routes/progress-routes.js';
import { readRoutes } from './routes/read-routes.js';
import { reminderRoutes } from './routes/reminder-routes.js';
import { overviewRoutes } from './routes/overview-routes.js';
import { planAdminRoutes } from './routes/plan-admin-routes.js';
import { reviewRoutes } from './routes/review-routes.js';
import { supervisionRoutes } from './routes/supervision-routes.js';
import { noticeSheetRoutes } from './routes/notice-sheet-routes.js';
import { exemptionRoutes } from './routes/exemption-routes.js';
import { instructionRoutes } from './routes/instruction-routes.js';
import { pilotRoutes } from './routes/pilot-routes.js';
import { evaluationRoutes } from './routes/evaluation-routes.js';
import { boardRoutes } from './routes/board-routes.js';
import type { SimClock } from './scheduler/sim-clock.js';
import type { Services } from './services.js';

export interface BuildAppOptions {
  /** Pino logger options, or false for none (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Operator warnings shown by /api/health (e.g. a missing holiday calendar). */
  warnings?: () => string[];
  /** The services (built once by core.ts): with them, the mini-app's API and the reminder preview. */
  services?: Services;
  /** What the mini-app passes to requestAuthCode. */
  dingtalk?: { corpId: string; clientId: string };
  /** The built pages (miniapp/dist), served under /app; not served when absent. */
  appDir?: string;
  /** Local mode's simulated clock and its controls (the console's 下一个工作日 …). */
  sim?: { clock: SimClock; digestTime: string; onMove?: (at: Date) => Promise<void> };
  /** Robot messages in HTTP callback mode: verified with the app secret, handed to the inbox. */
  dingtalkCallback?: { appSecret: string; inbox: PayloadSink };
  /** Signs sessions; without it a random key (sessions end with the process). */
  sessions?: SessionTokens;
  /** Real time for rate limits (the simulated clock must not refill them); tests inject one. */
  realNow?: () => number;
  /** Connection limits (defaults in http/limits.ts); tests shorten them. */
  http?: Partial<HttpLimits>;
  /**
   * A first look at each request before this app routes it: true when it was answered there
   * (the organisations below this one, served at /o/<id>/ — orgs/org-host.ts).
   */
  route?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The organisations of the deployment a person belongs to (GET /api/orgs, the switch). */
  orgsOf?: (person: Person) => OrgView[];
  /** The deployment's own organisation: its admin's tree and 登记 of organisations below it. */
  orgAdmin?: OrgAdmin;
  /** A task's chain in the organisations below (GET /api/tasks/:id/chain). */
  chainOf?: (taskId: string) => TaskChain;
  /** The organisations directly below, for the overview (GET /api/orgs/summary). */
  summaryOf?: () => OrgsSummary;
}

/**
 * The HTTP/1 server Fastify would make, with `route` in front of its handler (Fastify's own
 * settings applied as it applies them: keep-alive, request and connection timeouts).
 */
function routingServer(route: NonNullable<BuildAppOptions['route']>) {
  return (
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    o: {
      http?: ServerOptions;
      keepAliveTimeout?: number;
      requestTimeout?: number;
      connectionTimeout?: number;
      maxRequestsPerSocket?: number;
    },
  ): Server => {
    const server = createServer(o.http ?? {}, (req, res) => {
      if (!route(req, res)) handler(req, res);
    });
    if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
    if (o.requestTimeout !== undefined) server.requestTimeout = o.requestTimeout;
    server.setTimeout(o.connectionTimeout ?? 0);
    if (o.maxRequestsPerSocket) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
    return server;
  };
}

/** Builds the HTTP app from the services; it does not listen (main.ts does). Tests call `app.inject`. */
export async function buildApp(deps: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...deps.config.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    ...serverOptions({ ...DEFAULT_HTTP, ...options.http }, deps.config.trustProxy ?? false),
    ...(options.route ? { serverFactory: routingServer(options.route) } : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const realNow = options.realNow ?? Date.now;
  const warnings = options.warnings ?? (() => []);
  const sessions = options.sessions ?? new SessionTokens(randomBytes(32), () => deps.clock.now());
  await app.register(requestLimits, {
    ...(deps.config.trustProxy ? {} : { connectionsPerAddress: limits.connectionsPerAddress }),
  });
  await app.register(errorAnswers, { log: deps.log });
  await app.register(cors, { origin: false });
  await app.register(apiDocs, { version: deps.config.version });
  await app.register(guards, {
    sessions,
    store: deps.store,
    clock: deps.clock,
    writesPerMinute: limits.writesPerMinute,
    realNow,
  });
  await app.register(healthRoute(deps, warnings));
  const s = options.services;
  await app.register(metrics, {
    store: deps.store,
    clock: deps.clock,
    calendar: s?.calendar ?? new WorkCalendar(),
    token: deps.config.metricsToken,
    warnings,
    ...(s ? { lastPlan: () => s.scheduler.lastPlan, sends: () => s.dispatcher.results() } : {}),
    ...(s?.backup ? { lastBackup: s.backup.last } : {}),
  });
  if (s) {
    // the timeline's catch-up (~20 µs per event; task pages wait for it) starts when the server is ready
    app.addHook('onReady', async () => {
      s.timeline
        .start()
        .catch((error: unknown) => deps.log.error(`任务时间线读取台账失败:${(error as Error).message}`));
    });
    const dingtalk = options.dingtalk ?? { corpId: 'ding-local', clientId: 'local' };
    await app.register(
      authRoutes(deps, {
        sessions,
        dingtalk,
        loginQueue: limits.loginQueue,
        now: realNow,
        progress: s.progress,
      }),
    );
    await app.register(
      orgRoutes({
        ...(options.orgsOf ? { orgsOf: options.orgsOf } : {}),
        ...(options.orgAdmin ? { admin: options.orgAdmin } : {}),
        ...(options.chainOf ? { chainOf: options.chainOf } : {}),
        ...(options.summaryOf ? { summaryOf: options.summaryOf } : {}),
      }),
    );
    await app.register(progressRoutes(deps, { progress: s.progress, timeline: s.timeline, sessions }));
    await app.register(reviewRoutes(deps, { reviews: s.reviews, sessions }));
    await app.register(overviewRoutes(deps, s));
    await app.register(supervisionRoutes(deps, s));
    await app.register(noticeSheetRoutes(deps, s));
    await app.register(exemptionRoutes(deps, s));
    await app.register(instructionRoutes(deps, s));
    await app.register(pilotRoutes(deps, s));
    await app.register(evaluationRoutes(deps, s));
    await app.register(boardRoutes(deps, s));
    await app.register(planAdminRoutes(deps, s));
    await app.register(importRoutes(deps, { calendar: s.calendar, policy: s.policy, parser: s.parser }));
    await app.register(calendarRoutes(deps, { calendar: s.calendar, warnings }));
    await app.register(assessmentRoutes(deps, { assessments: s.assessments, evidence: evidenceChecker(s.timeline) }));
    await app.register(
      reportRoutes(deps, {
        assessments: s.assessments,
        exports: s.exports,
        book: { calendar: s.calendar, policy: s.policy },
      }),
    );
    await app.register(
      evidenceRoutes(deps, {
        evidence: s.evidence,
        timeline: s.timeline,
        sessions,
        uploads: new Buckets(limits.uploadsPerHour, 3_600_000, realNow),
        quota: new DailyQuota(limits.uploadMbPerUnitDay * 1024 * 1024, () =>
          new Date(realNow() + 8 * 3_600_000).toISOString().slice(0, 10),
        ),
      }),
    );
    if (options.appDir) await app.register(miniappStatic(options.appDir));
    await app.register(reminderRoutes(deps, s.scheduler, s.calendar, options.sim));
  }
  await app.register(readRoutes(deps));
  if (options.dingtalkCallback)
    await app.register(
      dingtalkCallbackRoute(deps, options.dingtalkCallback.appSecret, options.dingtalkCallback.inbox, realNow),
    );
  return app;
}
