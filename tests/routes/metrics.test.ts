import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../server/src/http/metrics.js';
import { calendar } from '../helpers/reminders.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** A metric's value in Prometheus's text format (the first sample whose labels include `labels`). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('GET /metrics (Prometheus)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-18T09:00:00+08:00');
    await t.core.scheduler.tick();
    await t.inject('/api/me', 'p-fsjd-c');
    await t.inject('/api/me', 'p-fsjd-c');
  });
  afterAll(async () => t.close());

  it('shows requests by route, the outbox, the ledger, the day’s plan, holiday data ahead — non-zero after a day', async () => {
    const r = await t.inject({ method: 'GET', url: '/metrics' }, null);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    const text = r.body;
    expect(sample(text, 'duban_http_requests_total', { route: '/api/me', status: '200' })).toBe(2);
    expect(sample(text, 'duban_http_request_duration_seconds_count', { route: '/api/me' })).toBe(2);
    expect(sample(text, 'duban_ledger_events_total', { type: 'reminders.planned' })).toBe(1);
    expect(sample(text, 'duban_ledger_seq')).toBe(t.store.ledger.head().seq);
    expect(sample(text, 'duban_ledger_lag')).toBe(0);
    const rows = t.store.state.get().outbox.filter((x) => x.kind === 'notice').length;
    expect(rows).toBeGreaterThan(0);
    const notices = ['pending', 'claimed', 'sent', 'failed', 'expired']
      .map((status) => sample(text, 'duban_outbox_rows', { kind: 'notice', status }) ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(notices).toBe(rows);
    expect(sample(text, 'duban_plan_size', { what: 'reminders' })).toBeGreaterThan(0);
    expect(sample(text, 'duban_plan_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'duban_plan_last_planned_day')).toBe(20190318);
    expect(sample(text, 'duban_calendar_years_ahead')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'duban_store_degraded')).toBe(0);
    expect(sample(text, 'duban_instance_leader')).toBe(1);
  });

  it('answers only the machine itself unless a token is set', async () => {
    const away = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' }, null);
    expect(away.statusCode).toBe(404);
    const app = Fastify();
    await app.register(metrics, {
      store: t.store,
      clock: t.deps.clock,
      calendar,
      token: 'a-long-metrics-token-0123',
      warnings: () => [],
    });
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(404);
    const ok = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer a-long-metrics-token-0123' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('duban_ledger_seq');
    await app.close();
  });
});
