import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalendar } from '../../server/src/calendar/load-calendar.js';
import { syncCalendar } from '../../server/src/domain/calendar/calendar-years.js';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { ROOT, SEEDS_DIR } from '../helpers/seeds.js';
import { previewImport } from '../helpers/bot-harness.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const fixture = (name: string) => readFileSync(`${ROOT}tests/fixtures/${name}`);

describe('a calendar that never silently stops (#31 req 6)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    // a plan that runs into 2027, imported in 2026
    t.deps.clock.set('2026-01-06T10:00:00+08:00');
    const up = await previewImport(t, 'plan-2026.txt', fixture('plan-2026.txt'));
    expect(up.period).toMatchObject({ from: 2026, to: 2027 });
    expect(
      (await t.inject({ method: 'POST', url: `/api/imports/${up.upload}/apply`, payload: { activate: true } }))
        .statusCode,
    ).toBe(200);
  });
  afterAll(async () => t.close());
  const post = (url: string, payload: unknown, person?: string) =>
    t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);
  const rules = () => ({ calendar: t.core.calendar, policy: t.core.policy });
  const plan = (at: string) => planReminders(t.store.state.get(), rules().calendar, rules().policy, new Date(at));

  it('warns from 60 days before a year without 放假安排, not earlier', async () => {
    t.deps.clock.set('2026-10-20T10:00:00+08:00');
    expect((await t.inject('/api/health', null)).json().warnings.join()).not.toContain('2027');
    t.deps.clock.set('2026-12-07T10:00:00+08:00');
    const health = (await t.inject('/api/health', null)).json();
    expect(health.status).toBe('degraded');
    expect(health.warnings.join()).toContain('还没有 2027 年的节假日数据');
    const status = (await t.inject('/api/calendar')).json();
    expect(status.years.find((y: { year: number }) => y.year === 2027)).toEqual({ year: 2027, source: 'missing' });
    expect(status.years.find((y: { year: number }) => y.year === 2026)).toEqual({ year: 2026, source: 'package' });
    // reminders in 2027 would stop, and say why
    expect(plan('2027-01-04T09:00:00+08:00').skipped).toContain('没有 2027 年的节假日数据');
  });

  it('the 督考办 pastes the notice, checks it, saves it: recorded, used at once, the warning gone', async () => {
    const text = fixture('holidays/notice-2027-hypothetical.txt').toString('utf8');
    expect((await post('/api/calendar/read', { text }, 'p-fsjd-c')).statusCode).toBe(403);
    const read = (await post('/api/calendar/read', { text })).json();
    expect(read).toMatchObject({ year: 2027, problems: [] });
    expect(read.festivals).toHaveLength(7);
    expect(read.workdays['2027-01-31']).toBe('春节调休上班');
    const seq = t.store.ledger.head().seq;
    const saved = await post('/api/calendar/years', { year: 2027, holidays: read.holidays, workdays: read.workdays });
    expect(saved.json()).toEqual({ year: 2027, holidays: 29, workdays: 6, replaced: false });
    const events: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read(seq + 1)) events.push(e);
    expect(events.map((e) => e.type)).toEqual(['calendar.yearAdded']);
    expect(t.store.state.get().calendarYears?.map((y) => y.year)).toEqual([2027]);
    // again (a minute later, not a double tap) without 替换: refused, nothing changes
    t.later(60_000);
    expect(
      (await post('/api/calendar/years', { year: 2027, holidays: read.holidays, workdays: read.workdays })).json().code,
    ).toBe('CONFLICT');
    expect(t.store.ledger.head().seq).toBe(seq + 1);

    const health = (await t.inject('/api/health', null)).json();
    expect(health.warnings.join()).not.toContain('2027');
    // 2027's February follows the notice: the 调休 Sunday is a working day with reminders, the 春节 Monday is not
    const sunday = plan('2027-01-31T09:00:00+08:00');
    expect(sunday).toMatchObject({ workingDay: true, dayName: '春节调休上班' });
    expect(sunday.skipped).toBeUndefined();
    expect(sunday.reminders.length).toBeGreaterThan(0); // a working day: the digests go out
    expect(plan('2027-02-20T09:00:00+08:00')).toMatchObject({ workingDay: true, dayName: '春节调休上班' });
    expect(plan('2027-02-08T09:00:00+08:00')).toMatchObject({ workingDay: false, skipped: '春节,非工作日' });
    expect(plan('2027-02-22T09:00:00+08:00').workingDay).toBe(true);

    // a restart (another instance) takes the year from the state
    const fresh = await loadCalendar(SEEDS_DIR);
    expect(fresh.hasYear(2027)).toBe(false);
    syncCalendar(fresh, t.store.state.get());
    expect(fresh.isWorkingDay('2027-01-31')).toBe(true);
  });

  it('refuses a paste it cannot read, or a year that is not one', async () => {
    expect((await post('/api/calendar/read', { text: '春节放假' })).json().code).toBe('VALIDATION_FAILED');
    const r = (await post('/api/calendar/read', { text: '一、元旦:1月1日放假。', year: 2028 })).json();
    expect(r.problems.join()).toContain('没有读到');
    expect(
      (await post('/api/calendar/years', { year: 2028, holidays: { '2028-01-01': '元旦' }, workdays: {} })).json().code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (await post('/api/calendar/years', { year: 2028, holidays: { '2029-01-01': '元旦' }, workdays: {} })).json().code,
    ).toBe('VALIDATION_FAILED');
  });
});
