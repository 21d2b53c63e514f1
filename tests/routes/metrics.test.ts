import { readdirSync, readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { ChannelError, type NoticeSent, type OutboundMessage } from '../../server/src/channels/channel.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { tempDir } from '../helpers/temp-dir.js';
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

/** DingTalk as a busy day answers: the first work notice is refused with 90018 (too many calls), then all pass. */
class BusyChannel extends FakeChannel {
  private refused = false;
  override async sendNotice(userIds: readonly string[], message: OutboundMessage): Promise<NoticeSent> {
    if (!this.refused) {
      this.refused = true;
      throw new ChannelError('RATE_LIMITED', '调用频率超限(90018)', true);
    }
    return super.sendNotice(userIds, message);
  }
}

describe('GET /metrics after a simulated week (#39 acceptance)', () => {
  it('every metric the on-call person watches has a value: sends by platform and result, 待办, store writes, the daily backup', async () => {
    const backups = tempDir();
    const channel = new BusyChannel(() => t.deps.clock.now());
    const t: TestApp = await seededApp({
      channel,
      env: { DUBAN_BACKUP_DIR: backups, DUBAN_BACKUP_AT: '00:00', DUBAN_BACKUP_KEEP_DAYS: '7' },
    });
    for (const day of ['18', '19', '20', '21', '22']) {
      t.deps.clock.set(`2019-03-${day}T09:00:00+08:00`);
      await t.core.scheduler.runUntilIdle();
      // the unit answers its 待办 on the first day: the 待办 are completed
      if (day === '18')
        for (const item of (await t.inject('/api/my/items', 'p-fsjd-c')).json().items as Array<{
          kind: string;
          assignmentId: string;
        }>)
          if (item.kind === 'acknowledge')
            await t.inject({ method: 'POST', url: `/api/assignments/${item.assignmentId}/acknowledge` }, 'p-fsjd-c');
    }
    expect(await t.core.backup!.run()).toMatch(/^每日备份:duban-\d{4}-\d{2}-\d{2}\.tar\.gz/);
    const text = (await t.inject({ method: 'GET', url: '/metrics' }, null)).body;
    await t.close();

    expect(sample(text, 'duban_sends_total', { platform: 'dingtalk', kind: 'notice', result: 'sent' })).toBeGreaterThan(
      20,
    );
    expect(sample(text, 'duban_sends_total', { kind: 'notice', result: 'rate_limited' })).toBe(1);
    expect(sample(text, 'duban_sends_total', { kind: 'todoCreate', result: 'sent' })).toBeGreaterThan(0);
    expect(sample(text, 'duban_todos', { state: 'open' })).toBeGreaterThan(0);
    // 待办 created and completed: counted as they happen (done ones leave the state after a while)
    expect(sample(text, 'duban_ledger_events_total', { type: 'todo.created' })).toBeGreaterThan(0);
    expect(sample(text, 'duban_ledger_events_total', { type: 'todo.completed' })).toBeGreaterThan(0);
    expect(sample(text, 'duban_sends_total', { kind: 'todoComplete', result: 'sent' })).toBeGreaterThan(0);
    expect(sample(text, 'duban_store_write_seconds_count')).toBeGreaterThan(10);
    expect(sample(text, 'duban_store_write_seconds_sum')).toBeGreaterThan(0);
    expect(sample(text, 'duban_backup_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(sample(text, 'duban_backup_last_bytes')).toBeGreaterThan(10_000);
    expect(sample(text, 'duban_plan_last_planned_day')).toBe(20190322);
    expect(sample(text, 'duban_plan_size', { what: 'reminders' })).toBeGreaterThan(0);
    expect(sample(text, 'duban_http_request_duration_seconds_count', { route: '/api/my/items' })).toBe(1);
    expect(sample(text, 'duban_calendar_years_ahead')).toBeGreaterThan(0);
    expect(sample(text, 'duban_instance_leader')).toBe(1);
    expect(readdirSync(backups)).toEqual([expect.stringMatching(/^duban-\d{4}-\d{2}-\d{2}\.tar\.gz$/)]);
    // every metric the shipped alert rules watch is one this server exposes
    const watched = new Set(readFileSync('deploy/alerts.yml', 'utf8').match(/\bduban_[a-z_]+/g));
    expect(watched.size).toBeGreaterThan(8);
    for (const name of watched) expect(text, name).toMatch(new RegExp(`^${name}(\\{| )`, 'm'));
  });
});
