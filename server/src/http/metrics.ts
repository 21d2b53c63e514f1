import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { shanghaiDate } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Clock } from '../model/runtime.js';
import type { Store } from '../store/ports.js';
import { publicRoute } from '../auth/auth-hook.js';

export interface MetricsOptions {
  store: Store;
  clock: Clock;
  calendar: WorkCalendar;
  /** GET /metrics's bearer token; unset: only loopback clients are answered. */
  token?: string | undefined;
  /** The operator's warnings (what /api/health lists). */
  warnings: () => string[];
  /** The last day this instance planned, when a scheduler runs here. */
  lastPlan?: () => { date: string; seconds: number; reminders: number; todos: number } | undefined;
  /** This instance's sends since it started, by platform, kind and result. */
  sends?: () => Array<{ platform: string; kind: string; result: string; n: number }>;
  /** The last scheduled backup this process took (DUBAN_BACKUP_DIR). */
  lastBackup?: () => { at: Date; bytes: number; seconds: number; seq: number } | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function allowed(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return LOOPBACK.has(req.socket.remoteAddress ?? '');
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * GET /metrics in Prometheus's text format, for the on-call person's dashboards and alerts
 * (deploy/alerts.yml): requests by route, the outbox (depth, oldest pending row), sends and 待办 by
 * the ledger's events, the ledger's position and lag, the day's plan, store health, leadership,
 * holiday data ahead. Counters count from this process's start; gauges are read at each scrape
 * from the committed state. Guarded by DUBAN_METRICS_TOKEN, or answered to loopback only.
 */
export const metrics = fp(async (app: FastifyInstance, o: MetricsOptions) => {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'duban' });
  const requests = new Counter({
    name: 'duban_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'duban_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const events = new Counter({
    name: 'duban_ledger_events_total',
    help: 'Ledger events recorded since start, by type (reminder.sent, todo.created, progress.reported …)',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const writes = new Histogram({
    name: 'duban_store_write_seconds',
    help: "The store's commits: how long each group's write took (state and ledger; PostgreSQL: one transaction)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const sends = o.sends;
  if (sends) {
    const seen = new Map<string, number>();
    new Counter({
      name: 'duban_sends_total',
      help: 'Messages this instance sent since start, by platform, outbox kind and result (rate_limited: the platform said slow down)',
      labelNames: ['platform', 'kind', 'result'] as const,
      registers: [registry],
      collect() {
        for (const s of sends()) {
          const key = `${s.platform}|${s.kind}|${s.result}`;
          const delta = s.n - (seen.get(key) ?? 0);
          if (delta > 0) this.inc({ platform: s.platform, kind: s.kind, result: s.result }, delta);
          seen.set(key, s.n);
        }
      },
    });
  }
  gauges(registry, o);

  const unsubscribe = o.store.ledger.subscribe((batch) => {
    for (const e of batch) events.inc({ type: e.type });
  });
  const unobserve = o.store.observeWrites?.((seconds) => writes.observe(seconds));
  app.addHook('onClose', async () => {
    unsubscribe();
    unobserve?.();
  });
  // a callback hook: no promise per request for work that never waits
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics') {
      requests.inc({ method: req.method, route, status: String(reply.statusCode) });
      latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    }
    done();
  });
  app.get('/metrics', { config: publicRoute }, async (req, reply) => {
    if (!allowed(req, o.token)) return reply.code(404).send({ code: 'NOT_FOUND', message: '没有这个地址' });
    return reply.type(registry.contentType).send(await registry.metrics());
  });
});

/** The gauges, read from the committed state (and this instance) at each scrape. */
// eslint-disable-next-line max-lines-per-function -- a list of gauge declarations, one after another
function gauges(registry: Registry, o: MetricsOptions): void {
  const state = () => o.store.state.get();
  const now = () => o.clock.now();
  new Gauge({
    name: 'duban_outbox_rows',
    help: 'Outbox rows by kind and status',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const r of state().outbox)
        counts.set(`${r.kind}|${r.status}`, (counts.get(`${r.kind}|${r.status}`) ?? 0) + 1);
      for (const [k, n] of counts) {
        const [kind, status] = k.split('|') as [string, string];
        this.set({ kind, status }, n);
      }
    },
  });
  new Gauge({
    name: 'duban_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox row waiting to be sent (0 when none): a stuck outbox grows it',
    registers: [registry],
    collect() {
      const due = state()
        .outbox.filter((r) => r.status === 'pending' || r.status === 'claimed')
        .map((r) => Date.parse(r.createdAt));
      this.set(due.length ? Math.max(0, (now().getTime() - Math.min(...due)) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'duban_todos',
    help: 'DingTalk 待办 recorded, open or done',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const todos = Object.values(state().todos);
      this.set({ state: 'open' }, todos.filter((t) => !t.done).length);
      this.set({ state: 'done' }, todos.filter((t) => t.done).length);
    },
  });
  new Gauge({
    name: 'duban_ledger_seq',
    help: 'The ledger head: sequence number of the last durable event',
    registers: [registry],
    collect() {
      this.set(o.store.ledger.head().seq);
    },
  });
  new Gauge({
    name: 'duban_ledger_lag',
    help: 'Committed events the ledger file has not taken yet (0 normally; more: LEDGER_BEHIND)',
    registers: [registry],
    collect() {
      this.set(Math.max(0, state().ledger.seq - o.store.ledger.head().seq));
    },
  });
  new Gauge({
    name: 'duban_store_degraded',
    help: '1 while the store cannot write (STATE_WRITE_FAILED, LEDGER_BEHIND …)',
    registers: [registry],
    collect() {
      this.set(o.store.health().status === 'degraded' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'duban_health_warnings',
    help: 'Warnings /api/health lists (missing holiday data, placeholders …)',
    registers: [registry],
    collect() {
      this.set(o.warnings().length + (o.store.health().status === 'degraded' ? 1 : 0));
    },
  });
  new Gauge({
    name: 'duban_calendar_years_ahead',
    help: 'Years from this one on with holiday data (1: this year only — next year missing)',
    registers: [registry],
    collect() {
      let year = Number(shanghaiDate(now()).slice(0, 4));
      let n = 0;
      while (o.calendar.hasYear(year)) {
        n += 1;
        year += 1;
      }
      this.set(n);
    },
  });
  new Gauge({
    name: 'duban_plan_last_planned_day',
    help: 'The last day planned (yyyymmdd), from the state: behind today after 09:30 on a working day means no plan ran',
    registers: [registry],
    collect() {
      const d = state().scheduler.lastPlannedDate;
      this.set(d ? Number(d.replaceAll('-', '')) : 0);
    },
  });
  new Gauge({
    name: 'duban_plan_seconds',
    help: "The day's reminder plan on this instance: how long it took",
    registers: [registry],
    collect() {
      const p = o.lastPlan?.();
      if (p) this.set(p.seconds);
    },
  });
  new Gauge({
    name: 'duban_plan_size',
    help: "The day's reminder plan on this instance: reminders and 待办 it made",
    labelNames: ['what'] as const,
    registers: [registry],
    collect() {
      const p = o.lastPlan?.();
      if (!p) return;
      this.set({ what: 'reminders' }, p.reminders);
      this.set({ what: 'todos' }, p.todos);
    },
  });
  new Gauge({
    name: 'duban_backup_last_success_timestamp_seconds',
    help: 'When the last scheduled daily backup finished (unix seconds; absent: none yet in this process)',
    registers: [registry],
    collect() {
      const b = o.lastBackup?.();
      if (b) this.set(b.at.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'duban_backup_last_bytes',
    help: 'The size of the last scheduled daily backup',
    registers: [registry],
    collect() {
      const b = o.lastBackup?.();
      if (b) this.set(b.bytes);
    },
  });
  new Gauge({
    name: 'duban_instance_leader',
    help: 'Several instances: 1 on the one that plans and sends',
    registers: [registry],
    collect() {
      this.set(o.store.leads ? (o.store.leads() ? 1 : 0) : 1);
    },
  });
}
